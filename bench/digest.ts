import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { toEvent } from '../adapters/index.js'
import { isIgnored } from '../adapters/common/types.js'
import { parseRules } from '../rules/load.js'
import { route } from '../rules/route.js'
import type { TargetType } from '../rules/schema.js'
import { renderers } from '../src/platforms/index.js'
import type { RenderInput } from '../src/render/types.js'
import { median } from './load.js'

export type DigestResult = {
  platform: TargetType
  events: number
  messages: number
  /** Time to render one whole digest (median of the timed runs). */
  msPerDigest: number
  /** The longest stretch between two of the digest's yields (median of the runs): at most what a webhook waits for. */
  longestPieceMs: number
}

const YAML = `
targets:
  dingtalk: { type: dingtalk, webhook: "", keyword: 构建 }
  wecom: { type: wecom, webhook: "" }
people:
${Array.from({ length: 40 }, (_, i) => `  - { name: p${i}, gitlab: user${i}, dingtalk: d${i}, wecom: w${i} }`).join('\n')}
rules:
  - { name: all, match: { status: failed }, notify: [dingtalk, wecom], mention: [author] }
`

/** `n` failed GitLab pipelines (the fixture, each its own project, number and author), as the worker reads them. */
function inputsFor(platform: TargetType, n: number): RenderInput[] {
  const rules = parseRules(YAML, { file: '<bench-digest>', env: {} })
  const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/gitlab/pipeline-failed-adapted.json'), 'utf8'))
  return Array.from({ length: n }, (_, k) => {
    const body = {
      ...fixture,
      object_attributes: { ...fixture.object_attributes, id: 10_000 + k, iid: k, url: `https://gitlab.example.com/team-${k % 30}/app-${k}/-/pipelines/${10_000 + k}` },
      project: { ...fixture.project, name: `app-${k}`, path_with_namespace: `team-${k % 30}/app-${k}` },
      user: { ...fixture.user, username: `user${k % 40}` },
    }
    const e = toEvent('gitlab', { headers: new Headers({ 'x-gitlab-event': 'Pipeline Hook' }), body: JSON.stringify(body), query: new URLSearchParams() }, { id: `bench-digest-${k}`, now: new Date() })
    if (isIgnored(e)) throw new Error('fixture ignored')
    const r = route(e, rules, undefined).routing.targets.find((t) => t.target === platform)!
    // Read back from the store, every event's route is its own copy (as here), never shared objects.
    return { event: e, route: structuredClone(r), transition: 'broken', target: rules.targets[platform], locale: 'zh-CN', timezone: 'Asia/Shanghai' }
  })
}

/** One digest of `n` waiting events for a robot, rendered as the worker does, timed whole and piece by piece. */
export function digestAtScale(platform: TargetType, n: number, o: { runs: number }): DigestResult {
  const inputs = inputsFor(platform, n)
  const renderer = renderers[platform]
  const totals: number[] = []
  const longest: number[] = []
  let messages = 0
  for (let run = 0; run < o.runs + 2; run++) {
    const work = renderer.digest(inputs)
    const start = performance.now()
    let last = start
    let piece = 0
    for (;;) {
      const step = work.next()
      const now = performance.now()
      piece = Math.max(piece, now - last)
      last = now
      if (step.done) {
        messages = step.value.length
        break
      }
    }
    // The first two runs warm the JIT up: what they cost is the compiler's, not the digest's.
    if (run >= 2) totals.push(last - start)
    if (run >= 2) longest.push(piece)
  }
  return { platform, events: n, messages, msPerDigest: round(median(totals)), longestPieceMs: round(median(longest)) }
}

const round = (x: number) => Math.round(x * 100) / 100
