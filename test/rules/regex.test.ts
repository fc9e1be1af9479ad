import { describe, expect, it } from 'vitest'
import { configProblems } from './config-problems.js'
import { route } from '../../rules/route.js'
import { makeEvent } from './make-event.js'
import { rulesWith } from './rules-yaml.js'

/** Rule regexes are RE2 (issue 16 item 3): linear in the value, and what RE2 cannot run is a located `check` error. */
describe('rule regexes (RE2)', () => {
  it('a backtracking-prone pattern against 30 × a + ! answers false without backtracking', () => {
    // JavaScript's engine takes about 2^30 steps here (~50 s on the machines we test on): this test would time out.
    const rules = rulesWith('  - { name: r, match: { branch: "/^(a+)+$/" }, notify: [dev] }\n')
    const hit = (branch: string) => route(makeEvent({ branch }), rules, undefined).routing.matched.includes('r')
    expect(hit(`${'a'.repeat(30)}!`)).toBe(false)
    expect(hit('a'.repeat(30))).toBe(true)
  })

  it('flags i, m, s and u; unanchored as in grep', () => {
    const rules = rulesWith(
      [
        '  - { name: i, match: { branch: "/^MAIN$/i" }, notify: [dev], continue: true }',
        '  - { name: s, match: { name: "/a.b/s" }, notify: [dev], continue: true }',
        '  - { name: u, match: { project: "/组/u" }, notify: [dev], continue: true }',
        '  - { name: grep, match: { branch: "/ai/" }, notify: [dev], continue: true }',
        '',
      ].join('\n'),
    )
    expect(route(makeEvent({ branch: 'main', name: 'a\nb', project: { name: 'x', path: '组/x' } }), rules, undefined).routing.matched).toEqual(['i', 's', 'u', 'grep'])
  })

  it('a pattern RE2 cannot run is an error at its place, with what to write instead', () => {
    const text = `targets:
  dev: { type: dingtalk, webhook: "" }
rules:
  - name: a
    match: { branch: "/^(?!release)/", project: ["/(a)\\\\1/", "/x++/"], name: "/(?<=ci-)lint/" }
    notify: [dev]
`
    expect(configProblems(text)).toEqual([
      'rules.yaml:5:22: rules[0].match.branch: "/^(?!release)/" is not a regular expression RE2 can run: invalid or unsupported Perl syntax: `(?!`; RE2 has no lookaround; exclude with a negated pattern in the same list instead, e.g. ["/^release/", "!/-rc$/"]',
      'rules.yaml:5:50: rules[0].match.project[0]: "/(a)\\\\1/" is not a regular expression RE2 can run: invalid escape sequence: `\\1`; RE2 has no backreferences; spell the repeated text out, or list the alternatives',
      'rules.yaml:5:62: rules[0].match.project[1]: "/x++/" is not a regular expression RE2 can run: invalid nested repetition operator: `++`; RE2 has no atomic groups or possessive quantifiers, and needs none: it never backtracks',
      'rules.yaml:5:78: rules[0].match.name: "/(?<=ci-)lint/" is not a regular expression RE2 can run: invalid named capture: `(?<=ci-)lint`; RE2 has no lookaround; exclude with a negated pattern in the same list instead, e.g. ["/^release/", "!/-rc$/"]',
    ])
  })
})
