import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { parseRules } from '../rules/load.js'
import { RulesRuntime } from '../rules/runtime.js'
import { Worker } from '../src/delivery/worker.js'
import { ingest } from '../src/app/ingest.js'
import { createLogger } from '../src/log.js'
import { createMetrics } from '../src/metrics.js'
import { defaultSettings } from '../src/settings/settings.js'
import { SqliteStore } from '../src/store/sqlite.js'
import { startFakeDingTalk } from '../test/fake-im/dingtalk.js'
import { manualClock } from '../test/fake-im/manual-clock.js'
import { removeDir } from './child.js'

export type DeliveryResult = {
  robots: number
  events: number
  /** Simulated: the worker and the fake robot share a manual clock, so the 10-minute block costs no real minutes. */
  clock: 'simulated'
  messages: number
  digests: number
  /** Events whose link appears in a message the robot showed. */
  covered: number
  shownTwice: number
  rateLimitErrors: number
  /** Every answer other than errcode 0 (rate limit, keyword, sign, size…). */
  rejected: number
  maxPerRobotPerMinute: number
  /** From the first event to the message that completed the coverage (simulated seconds). */
  lastDeliveredAfterS?: number
  largestBodyBytes: number
  wallSeconds: number
}

const SECRET = 'SECbench0000000000000000000000000000000000000000000000000000000'
const KEYWORD = '构建'
const quiet = new Writable({ write: (_c, _e, done) => done() })

/**
 * `events` real GitLab pipeline webhooks (the failed-pipeline fixture, one pipeline id and link each) through the real
 * accept path, spread evenly over `windowMs`, to `robots` DingTalk robots (signed, with a keyword) behind the fake
 * robot API that enforces 20 a minute and the 10-minute block. The real worker, renderer and sender deliver them.
 */
export async function delivery(o: { events: number; windowMs: number; robots: number; log: (l: string) => void }): Promise<DeliveryResult> {
  const wallStart = Date.now()
  const clock = manualClock()
  const tokens = Array.from({ length: o.robots }, (_, i) => `benchrobot${i}`.padEnd(32, '0'))
  const ding = await startFakeDingTalk(tokens.map((token) => ({ token, security: { secret: SECRET, keywords: [KEYWORD] } })), { clock })
  const yaml = [
    'targets:',
    ...tokens.map((t, i) => `  r${i}: { type: dingtalk, webhook: "${ding.webhook(t)}", secret: "${SECRET}", keyword: ${KEYWORD} }`),
    'rules:',
    ...tokens.map((_, i) => `  - { name: app-${i}, match: { project: "bench/app-${i}" }, notify: [r${i}] }`),
  ].join('\n')
  const dir = mkdtempSync(join(tmpdir(), 'ci-notify-bench-delivery-'))
  const store = new SqliteStore(join(dir, 'ci-notify.db'))
  const metrics = createMetrics()
  const base = {
    settings: defaultSettings({ dataDir: dir }),
    store,
    rules: RulesRuntime.fromCompiled(parseRules(yaml, { file: '<bench>', env: {} })),
    log: createLogger({ level: 'warn', destination: quiet }),
    metrics,
    startedAt: new Date(clock.now()),
    version: 'bench',
  }
  const worker = new Worker({ ...base, clock })
  worker.start()
  const deps = { ...base, wake: () => worker.wake() }

  const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/gitlab/pipeline-failed-adapted.json'), 'utf8'))
  const urlOf = (n: number) => `https://gitlab.example.com/bench/app-${n % o.robots}/-/pipelines/${n}`
  const started = clock.now()
  try {
    for (let n = 1; n <= o.events; n++) {
      const app = `bench/app-${n % o.robots}`
      const body = {
        ...fixture,
        object_attributes: { ...fixture.object_attributes, id: n, iid: n, url: urlOf(n) },
        project: { ...fixture.project, name: `app-${n % o.robots}`, path_with_namespace: app, web_url: `https://gitlab.example.com/${app}` },
      }
      const request = {
        headers: new Headers({ 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'idempotency-key': `bench-delivery-${n}` }),
        query: new URLSearchParams(),
        body: async () => JSON.stringify(body),
      }
      const r = await ingest(deps, 'gitlab', request, { now: new Date(clock.now()) })
      if (r.outcome !== 'accepted') throw new Error(`event ${n} was not accepted: ${JSON.stringify(r)}`)
      await worker.whenIdle()
      clock.advance(o.windowMs / o.events)
    }
    // Let simulated time run (1 s steps) until every delivery is settled, at most an hour.
    for (let s = 0; s < 3600; s++) {
      await worker.whenIdle()
      if (s % 10 === 0) {
        const q = await store.queueStats()
        if (q.pending + q.retrying === 0) break
      }
      clock.advance(1000)
    }
    await worker.whenIdle()

    const shown = ding.shown()
    const seen = new Map<number, number>()
    let completedAt: number | undefined
    for (const r of shown) {
      for (const n of new Set([...r.body.matchAll(/\/pipelines\/(\d+)/g)].map((m) => Number(m[1])))) {
        seen.set(n, (seen.get(n) ?? 0) + 1)
      }
      if (completedAt === undefined && seen.size === o.events) completedAt = r.at
    }
    const covered = [...seen.keys()].filter((n) => n >= 1 && n <= o.events).length
    const perRobotMinute = Math.max(
      0,
      ...shown.map((r) => shown.filter((s) => s.token === r.token && s.at >= r.at && s.at < r.at + 60_000).length),
    )
    const result: DeliveryResult = {
      robots: o.robots,
      events: o.events,
      clock: 'simulated',
      messages: shown.length,
      digests: (await metrics.digests.get()).values.reduce((a, v) => a + v.value, 0),
      covered,
      shownTwice: [...seen.values()].filter((c) => c > 1).length,
      rateLimitErrors: ding.records.filter((r) => r.errcode === 130101 || r.errcode === 410100 || r.http === 302).length,
      rejected: ding.records.filter((r) => r.errcode !== 0).length,
      maxPerRobotPerMinute: perRobotMinute,
      lastDeliveredAfterS: completedAt === undefined ? undefined : Math.round((completedAt - started) / 1000),
      largestBodyBytes: Math.max(0, ...shown.map((r) => Buffer.byteLength(r.body))),
      wallSeconds: Math.round((Date.now() - wallStart) / 100) / 10,
    }
    o.log(`  ${o.robots} robot(s): ${JSON.stringify(result)}`)
    return result
  } finally {
    await worker.stop(1000)
    await store.close()
    await ding.close()
    removeDir(dir)
  }
}
