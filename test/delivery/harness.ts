import { writeFileSync } from 'node:fs'
import { afterEach } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { pipelineKey } from '../../rules/pipeline-key.js'
import { route } from '../../rules/route.js'
import { RulesRuntime } from '../../rules/runtime.js'
import type { CompiledRules } from '../../rules/compile.js'
import type { TargetType } from '../../rules/schema.js'
import { Worker } from '../../src/delivery/worker.js'
import { PLATFORM_NAMES } from '../../src/platforms/index.js'
import type { CommonEvent } from '../../src/event.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import type { Renderer, RenderInput, RobotMessage } from '../../src/render/types.js'
import { defaultSettings, type Settings } from '../../src/settings/settings.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import type { AcceptInput } from '../../src/store/types.js'
import { startFakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock, type ManualClock } from '../fake-im/manual-clock.js'
import { startFakeWeCom } from '../fake-im/wecom.js'
import { captureLogs } from '../helpers/log-capture.js'

/** The link of event n: how tests find which events a message covers. */
export const eventUrl = (n: number) => `https://gitlab.example.com/g/app/-/pipelines/${n}`

/** Event numbers a message body covers (one link per event, in a message or a digest). */
export const coveredNumbers = (body: string): number[] => [...body.matchAll(/pipelines\/(\d+)/g)].map((m) => Number(m[1]))

/** A small stand-in for the real renderer: one line per event, digests in chunks of 40 lines. */
export function fakeRenderers(): Record<TargetType, Renderer> {
  const line = (i: RenderInput) => `${i.target.type === 'dingtalk' ? (i.target.keyword ?? '') : ''} ${i.event.status} ${i.event.project.name} #${i.event.number} ${eventUrl(i.event.number!)}`
  const wrap = (i: Pick<RenderInput, 'target'>, title: string, text: string): RobotMessage =>
    i.target.type === 'dingtalk' ? { msgtype: 'markdown', markdown: { title, text } } : { msgtype: 'markdown', markdown: { content: text } }
  const r: Renderer = {
    render: (i) => [wrap(i, `#${i.event.number}`, line(i))],
    digest: function* (inputs) {
      const out: RobotMessage[] = []
      for (let k = 0; k < inputs.length; k += 40) {
        const part = inputs.slice(k, k + 40)
        out.push(wrap(part[0], `${inputs.length} 条构建通知`, [`${inputs.length} 条构建通知`, ...part.map(line)].join('\n')))
      }
      return out
    },
    catchUp: (held, o) => [
      wrap(held[0] ?? { target: o.target }, 'catch-up', [`while muted: ${o.total}`, ...held.map(line)].join('\n')),
    ],
    reminder: (i, o) => [wrap(i, 'reminder', `reminder: failing for ${o.forMs / 60_000} min ${line(i)} mentions: ${i.route.mentions.map((m) => m.name).join(',')}`)],
  }
  return Object.fromEntries(PLATFORM_NAMES.map((n) => [n, r])) as Record<TargetType, Renderer>
}

/** Pipeline `num` of g/app, failed on main, arriving at `at` (epoch ms): the events worker tests send. */
export function pipelineEvent(num: number, at: number, over: Partial<CommonEvent> = {}): CommonEvent {
  return {
    id: `ev-${num}`,
    source: 'gitlab',
    kind: 'pipeline',
    status: 'failed',
    source_status: 'failed',
    finished: true,
    project: { name: 'app', path: 'g/app', url: 'https://gitlab.example.com/g/app' },
    ref: 'main',
    branch: 'main',
    sha: 'a1b2c3d4e5f6a7b8c9d0',
    commit: { title: `change ${num}`, author: { name: 'Alice', username: 'alice', email: 'alice@example.com' } },
    actor: { name: 'Alice', username: 'alice' },
    number: num,
    name: 'pipeline',
    url: eventUrl(num),
    delivery_id: `delivery-${num}`,
    received_at: new Date(at).toISOString(),
    ...over,
  }
}

export type Harness = Awaited<ReturnType<typeof harness>>

/**
 * A worker over an in-memory SQLite store, rules from inline YAML, a manual clock shared with the fake robots,
 * logs captured as text. With `rulesFile` the YAML is written there and loaded from it, so the test can reload it.
 */
export async function harness(o: { yaml: string; env?: Record<string, string>; settings?: Partial<Settings>; clock?: ManualClock; renderers?: Record<TargetType, Renderer> | 'real'; file?: string; rulesFile?: string }) {
  const clock = o.clock ?? manualClock()
  const { logs, destination } = captureLogs()
  // A file when a test restarts the worker on the same store.
  const store = new SqliteStore(o.file ?? ':memory:')
  const metrics = createMetrics()
  const settings = defaultSettings({ deliveryTimeoutMs: 5_000, ...o.settings })
  const log = createLogger({ level: 'debug', destination })
  if (o.rulesFile) writeFileSync(o.rulesFile, o.yaml)
  const rules = o.rulesFile
    ? RulesRuntime.load(o.rulesFile, { env: o.env ?? {}, log, metrics, now: () => new Date(clock.now()) })
    : RulesRuntime.fromCompiled(parseRules(o.yaml, { file: '<inline>', env: o.env ?? {} }))
  const base = { settings, store, rules, log, metrics, startedAt: new Date(clock.now()), version: 'test', clock }
  const worker = new Worker({
    ...base,
    random: () => 0.5,
    ...(o.renderers === 'real' ? {} : { renderers: o.renderers ?? fakeRenderers() }),
  })
  worker.start()
  let n = 0

  /**
   * Accepts event number n (routed by the rules, or to exactly `o.targets`) at the clock's time and wakes the worker
   * (unless `o.wake` is false: a backlog queued while the worker looks elsewhere). `o.pipeline`: with its pipeline's
   * state, as ingest has it (transitions, reminders). `o.routedBy`: other rules than the worker's (another replica's).
   */
  async function accept(over: Partial<CommonEvent> = {}, o: { targets?: string[]; wake?: boolean; pipeline?: boolean; routedBy?: CompiledRules } = {}): Promise<number> {
    const num = ++n
    const event = pipelineEvent(num, clock.now(), over)
    const to = o.targets
    const decide: AcceptInput['decide'] = to
      ? () => ({ routing: { transition: null, matched: ['all'], targets: to.map((target) => ({ target, rules: ['all'], mentions: [], all: false })), unresolved: [] } })
      : (prev) => route(event, o.routedBy ?? rules.current, prev)
    const result = await store.accept({ event, dedupeKey: event.delivery_id, pipelineKey: o.pipeline ? pipelineKey(event) : undefined, decide })
    if (result.duplicate) throw new Error('duplicate in harness')
    if (o.wake !== false) worker.wake()
    return num
  }

  /** Lets `ms` of simulated time pass in steps, letting the worker finish its work at each step. */
  async function settle(ms: number, stepMs = 1000): Promise<void> {
    await worker.whenIdle()
    for (let t = 0; t < ms; t += stepMs) {
      clock.advance(stepMs)
      await worker.whenIdle()
    }
  }

  return {
    base,
    clock,
    store,
    rules,
    metrics,
    logs,
    worker,
    accept,
    settle,
    close: async () => {
      await worker.stop(1000)
      await store.close()
    },
  }
}

/**
 * For tests that each start their own robots and worker: what is started through this is closed after every test,
 * the worker harness before the fake robots it posts to. Call once at the top of a test file.
 */
export function perTest() {
  const open: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    // Newest first, every one even when one fails to close; the first failure is reported.
    let failure: { err: unknown } | undefined
    for (const close of open.splice(0).reverse()) {
      try {
        await close()
      } catch (err) {
        failure ??= { err }
      }
    }
    if (failure) throw failure.err
  })
  const track = <T extends { close(): Promise<unknown> }>(x: T): T => (open.push(() => x.close()), x)
  return {
    dingtalk: async (...a: Parameters<typeof startFakeDingTalk>) => track(await startFakeDingTalk(...a)),
    wecom: async (...a: Parameters<typeof startFakeWeCom>) => track(await startFakeWeCom(...a)),
    harness: async (o: Parameters<typeof harness>[0]) => track(await harness(o)),
    /** Anything else to close after the test (a replica's worker and store). */
    track,
  }
}
