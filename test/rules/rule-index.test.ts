import { SOURCES } from '../../adapters/index.js'
import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readPayload } from '../../adapters/from-file.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { KINDS, STATUSES, type CommonEvent } from '../../src/event.js'
import type { CompiledRules } from '../../rules/compile.js'
import { explain } from '../../rules/explain.js'
import { compilePattern, globToRE2 } from '../../rules/glob.js'
import { parseRules } from '../../rules/load.js'
import { matchInput } from '../../rules/match.js'
import { PROJECT_MEMO_MAX } from '../../rules/rule-index.js'
import { matches, route } from '../../rules/route.js'
import { compare } from '../../rules/transition.js'
import type { PipelineState } from '../../src/routing.js'

/**
 * route() walks only the rules the index offers for an event's source, kind, status, finished and transition, and
 * tests only their patterns. These properties hold it to the plain walk: every rule, every condition, top to bottom.
 */

/** Every fixture that becomes an event, through its real adapter. */
const fixtures: CommonEvent[] = SOURCES.flatMap((source) =>
  readdirSync(`test/fixtures/${source}`)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const e = toEvent(source, readPayload(source, `test/fixtures/${source}/${f}`, []), { id: `evt-${f}`, now: new Date('2026-01-01T00:00:00Z') })
      return isIgnored(e) ? [] : [e]
    }),
)

/** The reference: every rule in file order, judged by all its conditions; the first match stops unless `continue`. */
function fullWalk(event: CommonEvent, rules: CompiledRules, prev: PipelineState | undefined): string[] {
  const input = matchInput(event, compare(event, prev).transition)
  const matched: string[] = []
  for (const rule of rules.rules) {
    if (!matches(rule, input)) continue
    matched.push(rule.name)
    if (!rule.continue) break
  }
  return matched
}

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }))

// Patterns that hit and miss the fixtures' values: exact, prefix globs, `a/**` (which matches `a`), `**/x`, `?`,
// regular expressions, negations.
const pattern = fc.constantFrom(
  '**',
  '*',
  '*/*',
  'gitlab-org/**',
  'gitlab-org',
  'octo-org/octo-repo',
  '**/Hello-World',
  'root/*',
  'team-1/**',
  'main',
  'master',
  'ma?n',
  'release/*',
  'staging',
  'production',
  'test',
  'asgard*',
  'build-*',
  '/^oct/',
  '/hello/i',
  '/^svc-[0-9]+$/',
  '!sandbox/**',
  '!gitlab-org/**',
  '!master',
  '!/test/',
)

// Up to three keys per rule, as real rules have: enough of them match the events for order and `continue` to matter.
const entry = fc.oneof(
  fc.tuple(fc.constant('source'), oneOrMany(fc.constantFrom(...SOURCES))),
  fc.tuple(fc.constant('kind'), oneOrMany(fc.constantFrom(...KINDS))),
  fc.tuple(fc.constant('status'), oneOrMany(fc.constantFrom(...STATUSES))),
  fc.tuple(fc.constant('finished'), fc.boolean()),
  fc.tuple(fc.constant('transition'), oneOrMany(fc.constantFrom('broken', 'fixed', 'still_failing', 'first'))),
  fc.tuple(fc.constantFrom('project', 'branch', 'tag', 'environment', 'name', 'actor'), oneOrMany(pattern)),
)
const match = fc.array(entry, { maxLength: 3 }).map((entries) => Object.fromEntries(entries))

const ruleList = fc.array(fc.record({ match: fc.option(match, { nil: undefined }), continue: fc.boolean() }), { minLength: 1, maxLength: 40 })

/** JSON is YAML: the rules go through the real loader, as a file would. */
function load(list: { match?: object; continue: boolean }[]): CompiledRules {
  const file = {
    targets: { dev: { type: 'dingtalk', webhook: '' } },
    rules: list.map((r, i) => ({ name: `r${i}`, notify: ['dev'], continue: r.continue, ...(r.match && { match: r.match }) })),
  }
  return parseRules(JSON.stringify(file), { file: 'prop.yaml', env: {} })
}

// Fixture events with their key fields and patterned fields changed, so many keys are seen and one key is shared by
// events whose patterns differ (the index is filled by the first and reused for the rest).
const event = fc
  .record({
    base: fc.constantFrom(...fixtures),
    source: fc.option(fc.constantFrom(...SOURCES), { nil: undefined }),
    kind: fc.option(fc.constantFrom(...KINDS), { nil: undefined }),
    status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
    finished: fc.option(fc.boolean(), { nil: undefined }),
    branch: fc.option(fc.constantFrom('main', 'master', 'release/1', 'sandbox'), { nil: undefined }),
    project: fc.option(fc.constantFrom('gitlab-org', 'sandbox/x', 'team-1/app', 'svc-12', 'team-1'), { nil: undefined }),
  })
  .map(({ base, ...o }): CommonEvent => {
    const e: CommonEvent = { ...base }
    if (o.source) e.source = o.source
    if (o.kind) e.kind = o.kind
    if (o.status) e.status = o.status
    if (o.finished !== undefined) e.finished = o.finished
    if (o.branch) e.branch = o.branch
    if (o.project) e.project = { ...base.project, path: o.project }
    return e
  })

const prev: fc.Arbitrary<PipelineState | undefined> = fc.option(
  fc.record({ status: fc.constantFrom('success', 'failed', 'unstable'), event_id: fc.constant('p'), number: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }) }, { requiredKeys: ['status', 'event_id'] }),
  { nil: undefined },
)

describe('rule index', () => {
  it('routes every event as the full walk does: same rules, same order, same stop', () => {
    fc.assert(
      fc.property(ruleList, fc.array(fc.tuple(event, prev), { maxLength: 40 }), (list, more) => {
        const rules = load(list)
        const cases: [CommonEvent, PipelineState | undefined][] = [...fixtures.map((e) => [e, undefined] as [CommonEvent, undefined]), ...more]
        // Twice over: the second pass reads the slots the first one filled.
        for (const [e, p] of [...cases, ...cases]) expect(route(e, rules, p).routing.matched).toEqual(fullWalk(e, rules, p))
      }),
      { numRuns: 300 },
    )
  })

  it('`ci-notify test` reports the same matches as route(), from every rule in the file', () => {
    fc.assert(
      fc.property(ruleList, fc.array(fc.tuple(event, prev), { minLength: 1, maxLength: 20 }), (list, cases) => {
        const rules = load(list)
        for (const [e, p] of cases) {
          const { decision, verdicts } = explain(e, rules, p)
          expect(verdicts.map((v) => v.rule)).toEqual(rules.rules.map((r) => r.name))
          expect(verdicts.filter((v) => v.result === 'matched').map((v) => v.rule)).toEqual(decision.routing.matched)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('narrows a long list by project, bounded however many projects come by, and routes as the full walk does', () => {
    // 300 rules with patterns only: every event's slot offers all of them, the project memo the few that admit it.
    const list = Array.from({ length: 300 }, (_, i) => ({ match: { project: [`team-${i}/**`, `!team-${i}/sandbox/**`], branch: ['main', 'release/*'] }, continue: i % 7 === 0 }))
    const rules = load([...list, { match: { project: '**' }, continue: false }])
    const base = fixtures.find((e) => e.source === 'gitlab' && e.branch === 'main') ?? { ...fixtures[0], branch: 'main' }
    const projects = Array.from({ length: PROJECT_MEMO_MAX + 500 }, (_, i) => (i % 11 === 0 ? `team-${i % 300}/sandbox/x${i}` : `team-${i % 300}/app-${i}`))
    for (const path of projects) {
      const e = { ...base, project: { ...base.project, path } }
      expect(route(e, rules, undefined).routing.matched).toEqual(fullWalk(e, rules, undefined))
      expect(rules.index.projectEntries).toBeLessThanOrEqual(PROJECT_MEMO_MAX)
    }
    // And once more for paths seen before the memo was last dropped, and since.
    for (const path of [projects[0], projects.at(-1)!]) {
      const e = { ...base, project: { ...base.project, path } }
      expect(route(e, rules, undefined).routing.matched).toEqual(fullWalk(e, rules, undefined))
    }
    const at = (path: string) => route({ ...base, project: { ...base.project, path } }, rules, undefined).routing.matched
    expect(at('team-5/app')).toEqual(['r5'])
    expect(at('team-7/app')).toEqual(['r7', 'r300']) // r7 says continue
    expect(at('team-7/sandbox/app')).toEqual(['r300'])
  })

  it('an event the schema would not allow is judged by the full walk, not filed under some key', () => {
    const rules = load([{ match: { status: 'failed' }, continue: true }, { match: { source: 'gitlab' }, continue: false }])
    const odd = { ...fixtures[0], status: 'exploded' } as unknown as CommonEvent
    expect(route(odd, rules, undefined).routing.matched).toEqual(fullWalk(odd, rules, undefined))
    expect(route(odd, rules, undefined).routing.matched).toEqual(['r1'])
  })
})

describe('glob pre-check', () => {
  it('literal globs compare whole values; a prefix glob still needs its regular expression', () => {
    const cases: [string, string, boolean][] = [
      ['main', 'main', true],
      ['main', 'main2', false],
      ['a.b', 'aXb', false],
      ['group/**', 'group', true],
      ['group/**', 'group/x/y', true],
      ['group/**', 'groupie', false],
      ['group/*', 'group', false],
      ['**/app', 'app', true],
      ['job-1*', 'job-12', true],
      ['job-1*', 'job-2', false],
      ['ma?n', 'main', true],
    ]
    for (const [g, v, want] of cases) expect([g, v, compilePattern(g).test(v)]).toEqual([g, v, want])
  })

  // Globs of a few tokens, and values that are mostly the glob with its wildcards filled in and then maybe cut
  // short: that reaches `a/**` matching `a`, `**/` at the start, and values just around the literal part.
  const token = fc.constantFrom('a', 'b', '/', '.', '*', '**', '?')
  const glob = fc.array(token, { minLength: 1, maxLength: 6 }).map((t) => t.join(''))
  const fill = (g: string, picks: number[]) => {
    let i = 0
    const pick = <T>(xs: T[]) => xs[picks[i++ % picks.length] % xs.length]
    return g.replace(/\*\*|\*|\?/g, (w) => (w === '**' ? pick(['', 'a', 'a/b', '/']) : w === '*' ? pick(['', 'a', 'ab']) : pick(['a', '/', '.'])))
  }
  const value = (g: string) =>
    fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 8 }),
      fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.nat({ max: 2 })).map(([picks, cut]) => {
        const v = fill(g, picks)
        return v.slice(0, Math.max(0, v.length - cut))
      }),
    )

  it('a glob matches exactly what its regular expression matches', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        glob.filter((g) => !/^\/(.+)\/([imsu]*)$/.test(g)).chain((g) => fc.tuple(fc.constant(g), value(g))), // not a /regex/
        ([g, v]) => {
          expect(compilePattern(g).test(v)).toBe(globToRE2(g).test(v))
        },
      ),
      { numRuns: 5_000 },
    )
  })
})
