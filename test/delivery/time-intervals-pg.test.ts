import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { route } from '../../rules/route.js'
import type { PostgresStore } from '../../src/store/postgres.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { pgSchemas, reachable } from '../helpers/pg.js'
import { coveredNumbers, perTest, pipelineEvent } from './harness.js'
import { NIGHT_END, NIGHT_START, NIGHT_WINDOW, NIGHT_YAML } from './night.js'
import { inlineRules, pgReplica } from './pg-replica.js'

const TOKEN = 'tok0123456789quietpg'
const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())
const started = perTest()

describe('time intervals on PostgreSQL with three replicas', () => {
  it('every replica holds alike, a restart keeps what is held, and the catch-up is sent once', async () => {
    const clock = manualClock(NIGHT_START)
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const yaml = `
targets:
  ops: { type: dingtalk, webhook: "${ding.webhook(TOKEN)}", keyword: CI }
${NIGHT_YAML}rules:
  - name: all
    notify: [ops]
    mute_time_intervals: [night]
`
    const rules = inlineRules(yaml)
    const schema = await schemas.empty()
    const replica = () => pgReplica({ open: () => schemas.open(schema), rules, clock })
    const replicas = [await replica(), await replica(), await replica()]
    try {
      let n = 0
      const accept = async (store: PostgresStore) => {
        const num = ++n
        // A project each: the catch-up lists each pipeline's newest run, so every event shows.
        const event = pipelineEvent(num, clock.now(), { project: { name: `app${num}`, path: `g/app${num}` } })
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
      expect(catchUps.map((d) => [d.catch_up_of, d.status])).toEqual([[NIGHT_WINDOW, 'sent']])
    } finally {
      for (const r of replicas) await r.close()
    }
  })
})
