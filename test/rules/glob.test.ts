import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compilePattern } from '../../rules/glob.js'
import { makeEvent } from './make-event.js'
import { route } from '../../rules/route.js'
import { rulesWith } from './rules-yaml.js'

/**
 * A glob's wildcards match every character, line breaks included, so `!glob` cannot be slipped past with one
 * (issue 16 item 7): `*` is any run of characters but `/`, `**` any run at all, `?` one character but `/`.
 */
const odd = ['\n', '\r', '\u2028', '\u2029', '\u0000', '\t', '\u0085', '\u001b', '😀', '\ud800']

/**
 * The documented meaning, written independently of rules/glob.ts: over code points, `**` followed by `/` at the start
 * or after a `/` (or right after another such `**`) is zero or more whole segments, `/**` at the end is nothing or `/` and
 * anything, any other `**` is anything, `*` anything without `/`, `?` one character but `/`.
 */
function reference(glob: string, value: string): boolean {
  const g = [...glob]
  const v = [...value]
  const memo = new Map<string, boolean>()
  const m = (i: number, j: number): boolean => {
    const key = `${i},${j}`
    const known = memo.get(key)
    if (known !== undefined) return known
    let r: boolean
    if (i === g.length) r = j === v.length
    else if (g[i] === '*' && g[i + 1] === '*') {
      const segments = g[i + 2] === '/' && (i === 0 || g[i - 1] === '/' || g.slice(i - 3, i).join('') === '**/')
      if (segments) r = m(i + 3, j) || v.some((c, k) => k >= j && c === '/' && m(i + 3, k + 1))
      else r = true // anything to the end; a `**` not at the end is always segments or followed by more below
      if (!segments && i + 2 < g.length) r = v.slice(j).some((_, k) => m(i + 2, j + k)) || m(i + 2, v.length)
    } else if (g[i] === '/' && i + 3 === g.length && g[i + 1] === '*' && g[i + 2] === '*') {
      // `a/**`: nothing more, or `/` and anything (so it also matches `a` itself).
      r = j === v.length || v[j] === '/'
    } else if (g[i] === '*') {
      let k = j
      r = m(i + 1, k)
      while (!r && k < v.length && v[k] !== '/') r = m(i + 1, ++k)
    } else if (g[i] === '?') r = j < v.length && v[j] !== '/' && m(i + 1, j + 1)
    else r = j < v.length && v[j] === g[i] && m(i + 1, j + 1)
    memo.set(key, r)
    return r
  }
  return m(0, 0)
}

describe('glob wildcards match every character', () => {
  it.each(odd.map((c) => [JSON.stringify(c), c]))('%s inside *, ** and ?', (_, c) => {
    expect(compilePattern('sandbox/**').test(`sandbox/x${c}y`)).toBe(true)
    expect(compilePattern('sandbox/**').test(`sandbox/a/b${c}/c`)).toBe(true)
    expect(compilePattern('**/app').test(`x${c}/app`)).toBe(true)
    expect(compilePattern('team-*').test(`team-${c}`)).toBe(true)
    expect(compilePattern('v?.0').test(`v${c}.0`)).toBe(true)
  })

  it('"!sandbox/**" refuses a sandbox project whose name holds a line break', () => {
    const rules = rulesWith('  - { name: r, match: { project: "!sandbox/**" }, notify: [dev] }\n')
    const hit = (path: string) => route(makeEvent({ project: { name: 'x', path } }), rules, undefined).routing.matched.includes('r')
    for (const c of ['\n', '\r', '\u2028', '\u2029']) expect(hit(`sandbox/x${c}y`)).toBe(false)
    expect(hit('group/x')).toBe(true)
  })

  it('"!sandbox/**" refuses a sandbox project padded past the length patterns read (fail closed); a positive pattern does not match it either', () => {
    const rules = rulesWith('  - { name: r, match: { project: "!sandbox/**" }, notify: [dev] }\n  - { name: p, match: { project: "sandbox/**" }, notify: [dev] }\n')
    const matched = (path: string) => route(makeEvent({ project: { name: 'x', path } }), rules, undefined).routing.matched
    expect(matched(`sandbox/${'x'.repeat(1100)}`)).toEqual([])
    expect(matched(`group/${'x'.repeat(1100)}`)).toEqual([])
    expect(matched('group/x')).toEqual(['r'])
  })

  // Each distinct glob's rules file is parsed once: parsing, not matching, is what takes the time here.
  const rulesFor = new Map<string, ReturnType<typeof rulesWith>>()
  it('for any value, "!glob" excludes exactly what "glob" matches', { timeout: 120_000 }, () => {
    const char = fc.oneof(fc.constantFrom('a', 'b', '/', '.', ...odd), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }))
    const globs = fc.array(fc.constantFrom('a', 'b', '/', '*', '**', '?', 'sandbox/', '**/'), { minLength: 1, maxLength: 6 }).map((t) => t.join('')).filter((g) => !/^\/(.+)\/([imsu]*)$/.test(g)) // not a /regex/
    fc.assert(
      fc.property(globs, fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')), (glob, value) => {
        const g = compilePattern(glob)
        // What match.ts does for a list holding only `!glob`: any value that is not excluded.
        const rules = rulesFor.get(glob) ?? rulesWith(`  - { name: r, match: { name: ${JSON.stringify(`!${glob}`)} }, notify: [dev] }\n`)
        rulesFor.set(glob, rules)
        const negated = route(makeEvent({ name: value }), rules, undefined).routing.matched.includes('r')
        expect(g.test(value)).toBe(reference(glob, value))
        expect(negated).toBe(!reference(glob, value))
        // And the glob matches whatever value fills its wildcards, whatever the filling is made of.
        const noSlash = value.replace(/\//g, '')
        const filled = glob.replace(/\*\*|\*|\?/g, (w) => (w === '?' ? ([...noSlash][0] ?? 'x') : w === '*' ? noSlash : value))
        expect(g.test(filled)).toBe(true)
      }),
      { numRuns: 1500 },
    )
  })
})
