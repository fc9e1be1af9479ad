import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { configProblems } from './config-problems.js'
import { parseRules } from '../../rules/load.js'
import { ConfigError } from '../../src/errors.js'

/**
 * Whatever the rules file holds, loading it throws a ConfigError (with a location where there is one) or succeeds:
 * the server reloads the file while it runs, and any other exception there would stop it (issue 16 item 2).
 */
const load = (text: string, env: Record<string, string> = {}) => parseRules(text, { file: 'rules.yaml', env })

const problems = (text: string, env: Record<string, string> = {}) => configProblems(text, { env })

const head = `targets:\n  dev: { type: dingtalk, webhook: "" }\nrules:\n  - { name: all, notify: [dev] }\n`

/** The billion laughs: nine levels of nine aliases each, 1 KB of text standing for 9^9 values. */
const bomb = `${head}x:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
${'bcdefghi'.split('').map((l, i) => `  ${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n')}
`

describe('hostile rules files', () => {
  it('an alias bomb is a ConfigError at the alias where the expansion passes the limit', () => {
    expect(problems(bomb)).toEqual([
      'rules.yaml:11:10: x.f[0]: alias *e makes the file stand for more than 100000 values when expanded (nested aliases multiply); write the values out or use fewer levels of aliases',
    ])
  })

  it('an alias with no anchor, and an alias inside its own anchor, are located', () => {
    expect(problems(`${head}x: *nope\n`)).toEqual(['rules.yaml:5:4: x: alias *nope has no anchor &nope before it'])
    expect(problems(`${head}x: &loop { y: [*loop] }\n`)).toEqual(['rules.yaml:5:16: x.y[0]: alias *loop is inside its own anchor &loop (a value cannot contain itself)'])
  })

  it('an anchor used many times is fine (yaml\'s own counter refuses the 101st use)', () => {
    const rules = Array.from({ length: 150 }, (_, i) => `  - { name: r${i}, notify: ${i === 0 ? '&team [dev]' : '*team'} }`).join('\n')
    const r = load(`targets:\n  dev: { type: dingtalk, webhook: "" }\nrules:\n${rules}\n`)
    expect(r.rules).toHaveLength(150)
    expect(r.rules[149].notify).toEqual(['dev'])
  })

  it('${RATE} that is not YAML is a value error at its place, and the value is not quoted', () => {
    const text = `targets:\n  dev: { type: dingtalk, webhook: "", rate_per_minute: "\${RATE}" }\nrules:\n  - { name: all, notify: [dev] }\n`
    for (const RATE of ['[unclosed', '*alias', '{a: 1', '&a [*a]']) {
      const ps = problems(text, { RATE })
      expect(ps).toHaveLength(1)
      expect(ps[0]).toMatch(/^rules\.yaml:2:56: targets\.dev\.rate_per_minute: /)
      if (RATE.length >= 4) expect(ps[0]).not.toContain(RATE)
    }
    expect(load(text, { RATE: '10' }).targets.dev.rate_per_minute).toBe(10)
  })

  it('nesting deep enough to exhaust the stack is a ConfigError', () => {
    const n = 20_000
    expect(problems(`${head}x: ${'['.repeat(n)}${']'.repeat(n)}\n`)[0]).toMatch(/^rules\.yaml:5:\d+: /)
    expect(problems(`${head}x:\n  ${'- '.repeat(n)}y\n`)[0]).toMatch(/^rules\.yaml:6:\d+: /)
  })

  it('any text: a ConfigError or rules, never another exception', { timeout: 120_000 }, () => {
    const pieces = fc.constantFrom('targets:', 'rules:', '\n', '  ', '- ', '&a ', '*a', '&b ', '*b', '[', ']', '{', '}', ',', ': ', '"', "'", '${X}', '${', '!!binary ', '!!str ', '? ', '|', '>', '%YAML 1.2\n', '---\n', 'name: x', 'notify: [dev]', 'match: { branch: "/(/" }', 'dev: { type: dingtalk, webhook: "" }', '<<: *a', '\u0000', '\ufeff', '#')
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
        const text = parts.join('')
        try {
          load(text, { X: '[unclosed' })
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err
        }
      }),
      { numRuns: 2000 },
    )
  })
})
