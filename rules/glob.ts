import { RE2JS } from 're2js'
import { compileRegex } from './re2.js'

/**
 * One pattern from a `match` value: a glob (`*` any run of characters but `/`, `**` any run of characters, `?` one
 * character but `/`), or `/regex/flags` (RE2, rules/re2.ts). A leading `!` is handled by the caller (see match.ts):
 * since a glob's wildcards match every character there is (newlines, `\r`, U+2028/9 included), `!glob` holds for
 * exactly the values `glob` does not. Compiled once, at load.
 */
export type Pattern = { source: string; test: (value: string) => boolean }

const REGEX = /^\/(.+)\/([imsu]*)$/
/**
 * Longer values never match a pattern (Git limits a ref name to 255 bytes on most hosts), and an exclusion takes
 * them as excluded (match.ts): a padded name can slip past no `!` pattern.
 */
export const MAX_VALUE = 1024

export function compilePattern(source: string): Pattern {
  const re = REGEX.exec(source)
  // Values come from webhooks (a fork's branch name is anyone's to choose). RE2 runs in linear time; the bound keeps
  // even that short. No real branch, project path or job name comes near this length.
  // A regular expression is unanchored, as ops know them from grep; a glob must match the whole value.
  if (re) {
    const regex = compileRegex(re[1], re[2])
    return { source, test: (value) => value.length <= MAX_VALUE && regex(value) }
  }
  // A large rules file is mostly `team-x/**`, `main`, `prod-3`: a string comparison rejects nearly every value before
  // the regular expression runs. Without wildcards a glob is the value itself; with them, the text before the first
  // one must start the value (less a trailing `/`, as `a/**` also matches `a`).
  const wild = source.search(/[*?]/)
  if (wild === -1) return { source, test: (value) => value.length <= MAX_VALUE && value === source }
  const prefix = source.slice(0, wild).replace(/\/$/, '')
  const regex = globToRE2(source)
  return { source, test: (value) => value.length <= MAX_VALUE && value.startsWith(prefix) && regex.test(value) }
}

/**
 * The glob as an anchored RE2 expression in dot-all mode: `.` and `[^/]` match every character but (for `[^/]`) the
 * slash, so no character in a value can step outside a wildcard. RE2 also keeps a glob with several `**` linear in
 * the value, where a backtracking engine tries every split.
 */
const SEGMENTS = '(?:.*/)?'

export function globToRE2(glob: string): RE2JS {
  const out: string[] = []
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      i++
      const atStart = i === 1
      const slashAfter = glob[i + 1] === '/'
      // A `/` written before, as itself: not one a `**/` already took (`**/**` is not `a/**`).
      const slashBefore = out[out.length - 1] === '/'
      const afterSegments = out[out.length - 1] === SEGMENTS
      if (slashAfter && (atStart || slashBefore || afterSegments)) {
        // `**/x` and `a/**/x`: zero or more whole segments.
        out.push(SEGMENTS)
        i++
      } else if (slashBefore && i === glob.length - 1) {
        // `a/**` also matches `a` itself.
        out[out.length - 1] = '(?:/.*)?'
      } else {
        out.push('.*')
      }
    } else if (c === '*') {
      out.push('[^/]*')
    } else if (c === '?') {
      out.push('[^/]')
    } else {
      out.push(RE2JS.quote(c))
    }
  }
  return RE2JS.compile(`^${out.join('')}$`, RE2JS.DOTALL)
}
