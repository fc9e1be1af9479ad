import { RE2JS } from 're2js'

/**
 * A rule's `/regex/flags`, compiled with RE2 (re2js): matching runs in time linear in the value, whatever the pattern,
 * so a branch name that anyone can push (`aaaa…a!` against `^(a+)+$`) cannot stall the event loop. The dialect is
 * RE2's, as Alertmanager's Go regexes: no backreferences, no lookaround, `.` matches anything but `\n`.
 * Unanchored, as ops know regexes from grep. Flags: i, m, s as in JavaScript; u is accepted (RE2 is always Unicode).
 * Throws Error with what RE2 said and, for a construct RE2 does not have, what to write instead.
 */
export function compileRegex(body: string, flags: string): (value: string) => boolean {
  const re = compileRe2(body, flags)
  return (value) => re.test(value)
}

/**
 * A configured source's `extract` (rules/source-fields.ts): the same engine and dialect, with exactly one capture
 * group; the value is what the group caught at the first match, undefined when nothing matches. Throws Error as
 * compileRegex does, and for a pattern without exactly one group.
 */
export function compileExtract(body: string): (value: string) => string | undefined {
  const re = compileRe2(body, '')
  if (re.groupCount() !== 1) throw new Error(`needs exactly one capture group ( … ), the part to keep; it has ${re.groupCount()} (write (?: … ) for a group that only groups)`)
  return (value) => {
    const m = re.matcher(value)
    return m.find() ? (m.group(1) ?? undefined) : undefined
  }
}

function compileRe2(body: string, flags: string): RE2JS {
  let f = 0
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE
  if (flags.includes('m')) f |= RE2JS.MULTILINE
  if (flags.includes('s')) f |= RE2JS.DOTALL
  let re: RE2JS
  try {
    re = RE2JS.compile(body, f)
  } catch (err) {
    const said = (err as Error).message.replace(/^error parsing regexp: /, '')
    const hint = HINTS.find(([construct]) => construct.test(body))?.[1]
    throw new Error(hint ? `${said}; ${hint}` : said)
  }
  return re
}

/** What RE2 refuses by design (it would need backtracking), and the way to say it that RE2 can run. */
const HINTS: Array<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'RE2 has no lookaround; exclude with a negated pattern in the same list instead, e.g. ["/^release/", "!/-rc$/"]'],
  [/\\[1-9]|\\k</, 'RE2 has no backreferences; spell the repeated text out, or list the alternatives'],
  [/\(\?>|[*+?}]\+/, 'RE2 has no atomic groups or possessive quantifiers, and needs none: it never backtracks'],
]
