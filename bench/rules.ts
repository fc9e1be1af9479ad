import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { toEvent, type Source } from '../adapters/index.js'
import { isIgnored, type RawRequest } from '../adapters/common/types.js'
import type { CommonEvent } from '../src/event.js'
import { parseRules } from '../rules/load.js'
import { route } from '../rules/route.js'

/** `team`: rules keyed by status, kind or source (rulesYaml); `patterns`: rules told apart by their patterns only. */
export type RulesShape = 'team' | 'patterns'
export type RulesResult = { rules: number; shape: RulesShape; events: number; matchedShare: number; usPerEvent: number; loadMs: number }

/** Headers each fixture needs to be read as its source sends it. */
function headersFor(source: Source, body: Record<string, unknown>): Headers {
  if (source === 'gitlab') {
    const kind = String(body.object_kind)
    const hook = kind === 'pipeline' ? 'Pipeline Hook' : kind === 'deployment' ? 'Deployment Hook' : 'Job Hook'
    return new Headers({ 'content-type': 'application/json', 'x-gitlab-event': hook })
  }
  if (source === 'github') return new Headers({ 'content-type': 'application/json', 'x-github-event': 'deployment' in body ? 'deployment_status' : 'workflow_run' })
  return new Headers({ 'content-type': 'application/json' })
}

/** Every fixture in test/fixtures that becomes an event (the rest are "ignored" by design, e.g. Jenkins STARTED). */
export function fixtureEvents(): CommonEvent[] {
  const events: CommonEvent[] = []
  for (const source of ['gitlab', 'github', 'jenkins'] as const) {
    const dir = join(process.cwd(), 'test/fixtures', source)
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const text = readFileSync(join(dir, f), 'utf8')
      const req: RawRequest = { headers: headersFor(source, JSON.parse(text)), body: text, query: new URLSearchParams() }
      const r = toEvent(source, req, { id: `bench-${source}-${f}`, now: new Date() })
      if (!isIgnored(r)) events.push(r)
    }
  }
  return events
}

/**
 * A rules file of `n` rules as a large organisation might write: team rules that (mostly) do not match the fixture
 * events, then the example file's own catch-all rule at the end. Each team rule names a status, kind or source, so
 * the rule index (rules/rule-index.ts) offers an event only the rules that admit its key: here about one in ten, and
 * those have their patterns tested.
 */
export function rulesYaml(n: number): string {
  const teamRule = (i: number): string => {
    switch (i % 4) {
      case 0:
        return `  - { name: team-${i}, match: { project: "team-${i}/**", branch: [main, "release/*"], status: failed }, notify: [t${i % 10}], mention: [author] }`
      case 1:
        return `  - { name: deploy-${i}, match: { kind: deploy, environment: "prod-${i}", status: [success, failed] }, notify: [t${i % 10}], mention: [all] }`
      case 2:
        return `  - { name: svc-${i}, match: { project: "/^svc-${i}-[a-z]+$/", status: [failed, unstable], transition: [broken, still_failing] }, notify: [t${i % 10}] }`
      default:
        return `  - { name: job-${i}, match: { source: jenkins, name: "job-${i}*", status: [failed, unstable] }, notify: [t${i % 10}], mention: [culprits] }`
    }
  }
  const targets = Array.from({ length: 10 }, (_, i) => `  t${i}: { type: dingtalk, webhook: "" }`)
  const people = Array.from({ length: 50 }, (_, i) => `  - { name: p${i}, gitlab: user${i}, github: gh${i}, emails: [p${i}@example.com], dingtalk: d${i} }`)
  const team = Array.from({ length: Math.max(0, n - 1) }, (_, i) => teamRule(i))
  const last = `  - { name: other-failures, match: { status: failed, project: "!sandbox/**" }, notify: [t0], mention: [author, actor] }`
  return ['targets:', ...targets, 'people:', ...people, 'rules:', ...team, last, ''].join('\n')
}

/**
 * `n` rules that name no source, kind, status, finished or transition, only patterns: each team's projects and
 * branches. The slot index offers every event all of them; the project memo (rules/rule-index.ts) narrows that to the
 * rules whose project patterns admit the event's project.
 */
export function patternRulesYaml(n: number): string {
  const rule = (i: number) => `  - { name: team-${i}, match: { project: ["team-${i}/**", "!team-${i}/sandbox/**"], branch: [main, "release/*"] }, notify: [t${i % 10}] }`
  const targets = Array.from({ length: 10 }, (_, i) => `  t${i}: { type: dingtalk, webhook: "" }`)
  const last = `  - { name: other, match: { project: "**" }, notify: [t0] }`
  return ['targets:', ...targets, 'rules:', ...Array.from({ length: Math.max(0, n - 1) }, (_, i) => rule(i)), last, ''].join('\n')
}

/** Matching time per event, averaged over every fixture event, many times over. No rule before the last matches any
 * fixture event, so no walk stops early. */
export function rulesAtScale(n: number, o: { minMs: number; shape?: RulesShape }): RulesResult {
  const events = fixtureEvents()
  const shape = o.shape ?? 'team'
  const t0 = performance.now()
  const rules = parseRules(shape === 'team' ? rulesYaml(n) : patternRulesYaml(n), { file: `<bench-${shape}-${n}>`, env: {} })
  const loadMs = performance.now() - t0
  let matched = 0
  for (const e of events) if (route(e, rules, undefined).routing.matched.length > 0) matched++
  // Warm up the JIT, then time whole passes over the events until minMs has elapsed.
  const warm = performance.now()
  while (performance.now() - warm < o.minMs / 4) for (const e of events) route(e, rules, undefined)
  // Three timed runs, the median reported (a neighbour's burst on a shared machine hits one, not all).
  const runs: number[] = []
  for (let k = 0; k < 3; k++) {
    let passes = 0
    const start = performance.now()
    while (performance.now() - start < o.minMs / 3) {
      for (const e of events) route(e, rules, undefined)
      passes++
    }
    runs.push(((performance.now() - start) * 1000) / (passes * events.length))
  }
  const usPerEvent = runs.sort((a, b) => a - b)[1]
  return { rules: n, shape, events: events.length, matchedShare: matched / events.length, usPerEvent, loadMs }
}
