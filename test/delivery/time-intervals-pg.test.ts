import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { route } from '../../rules/route.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { Worker } from '../../src/delivery/worker.js'
import type { CommonEvent } from '../../src/event.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import { defaultSettings } from '../../src/settings/settings.js'
import type { PostgresStore } from '../../src/store/postgres.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { captureLogs } from '../helpers/log-capture.js'
import { pgSchemas, reachable } from '../helpers/pg.js'
import { coveredNumbers, eventUrl, fakeRenderers, perTest } from './harness.js'

const TOKEN = 'tok0123456789quietpg'
const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())
const started = perTest()
// 23:00 in Shanghai; the night ends at 08:00 there (00:00 UTC).
const T0 = Date.parse('2026-12-07T15:00:00Z')
const NIGHT_END = Date.parse('2026-12-08T00:00:00Z')

describe('time intervals on PostgreSQL with three replicas', () => {
  it('every replica holds alike, a restart keeps what is held, and the catch-up is sent once', async () => {
    const clock = manualClock(T0)
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const yaml = `
targets:
  ops: { type: dingtalk, webhook: "${ding.webhook(TOKEN)}", keyword: CI }
time_intervals:
  - name: night
    time_intervals:
      - times: [{ start_time: "22:00", end_time: "08:00" }]
        location: Asia/Shanghai
rules:
  - name: all
    notify: [ops]
    mute_time_intervals: [night]
`
    const rules = RulesRuntime.fromCompiled(parseRules(yaml, { file: '<inline>', env: {} }))
    const schema = await schemas.empty()
    const replica = async () => {
      const store = await schemas.open(schema)
      const { destination } = captureLogs()
      const worker = new Worker({
        settings: defaultSettings({ deliveryTimeoutMs: 5_000 }),
        store,
        rules,
        log: createLogger({ level: 'debug', destination }),
        metrics: createMetrics(),
        startedAt: new Date(clock.now()),
        version: 'test',
        clock,
        random: () => 0.5,
        renderers: fakeRenderers(),
      })
      worker.start()
      return { store, worker, close: async () => (await worker.stop(1000), await store.close()) }
    }
    const replicas = [await replica(), await replica(), await replica()]
    try {
      let n = 0
      const accept = async (store: PostgresStore) => {
        const num = ++n
        const event: CommonEvent = {
          id: `ev-${num}`,
          source: 'gitlab',
          kind: 'pipeline',
          status: 'failed',
          source_status: 'failed',
          finished: true,
          // A project each: the catch-up lists each pipeline's newest run, so every event shows.
          project: { name: `app${num}`, path: `g/app${num}` },
          branch: 'main',
          ref: 'main',
          number: num,
          url: eventUrl(num),
          delivery_id: `d-${num}`,
          received_at: new Date(clock.now()).toISOString(),
        }
        await store.accept({ event, dedupeKey: event.delivery_id, decide: (prev) => route(event, rules.current, prev) })
      }
      const settle = async (ms: number, step = 1000) => {
        for (let t = 0; t <= ms; t += step) {
          if (t) clock.advance(step)
          for (const r of replicas) r.worker.wake()
          await Promise.all(replicas.map((r) => r.worker.whenIdle()))
        }
      }
      for (let i = 0; i < 6; i++) await accept(replicas[i % 3].store)
      await settle(2000)
      expect(ding.shown()).toEqual([])

      // Replica 0 restarts mid-night: what is held is in the store, and the new process holds the next one too.
      await replicas[0].close()
      replicas[0] = await replica()
      await accept(replicas[0].store)
      await settle(2000)
      expect((await replicas[1].store.listDeliveries({ status: 'held', limit: 20 })).map((d) => d.next_attempt_at)).toEqual(Array(7).fill(NIGHT_END))

      clock.set(NIGHT_END - 3000)
      await settle(10_000)
      await settle(10 * 60_000, 60_000)
      const shown = ding.shown().map((r) => JSON.stringify(r.message))
      expect(shown).toHaveLength(1)
      expect(shown[0]).toContain('while muted: 7')
      expect(coveredNumbers(shown[0]).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
      expect(await replicas[2].store.openWindows()).toEqual([])
      // Queued once, not once per replica (a second copy would share its msgUuid, which the robot would absorb).
      const catchUps = (await replicas[1].store.listDeliveries({ limit: 50 })).filter((d) => d.catch_up_of !== undefined)
      expect(catchUps.map((d) => [d.catch_up_of, d.status])).toEqual([['interval:night@2026-12-08T00:00:00.000Z', 'sent']])
    } finally {
      for (const r of replicas) await r.close()
    }
  })
})
