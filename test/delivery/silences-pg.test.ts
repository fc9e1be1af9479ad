import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Worker } from '../../src/delivery/worker.js'
import type { CommonEvent } from '../../src/event.js'
import type { PostgresStore } from '../../src/store/postgres.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { pgSchemas, reachable } from '../helpers/pg.js'
import { replicaBase } from '../helpers/replica.js'
import { coveredNumbers, eventUrl, fakeRenderers, perTest } from './harness.js'

const TOKEN = 'tok0123456789replica'
const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())
const started = perTest()

describe('silences on PostgreSQL with two replicas', () => {
  it('both mute alike, a restart keeps the silence, and its catch-up is sent once', async () => {
    const clock = manualClock()
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const yaml = `
targets:
  ops: { type: dingtalk, webhook: "${ding.webhook(TOKEN)}", keyword: CI }
rules:
  - name: all
    notify: [ops]
`
    const schema = await schemas.empty()
    const replica = async () => {
      const store = await schemas.open(schema)
      const worker = new Worker({ ...replicaBase({ store, yaml, clock }), random: () => 0.5, renderers: fakeRenderers() })
      worker.start()
      return { store, worker, close: async () => (await worker.stop(1000), await store.close()) }
    }
    let a = await replica()
    const b = await replica()
    try {
      const T = clock.now()
      await a.store.addSilence({ id: 'sil_pg', matchers: { project: 'g/**' }, starts_at: T, ends_at: T + 10 * 60_000, comment: 'c', created_by: 'ann', catch_up: true, created_at: T })
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
          project: { name: 'app', path: 'g/app' },
          branch: 'main',
          ref: 'main',
          number: num,
          url: eventUrl(num),
          delivery_id: `d-${num}`,
          received_at: new Date(clock.now()).toISOString(),
        }
        const routing = { transition: null, matched: ['all'], targets: [{ target: 'ops', rules: ['all'], mentions: [], all: false }], unresolved: [] }
        await store.accept({ event, dedupeKey: event.delivery_id, decide: () => ({ routing }) })
      }
      const settle = async (ms: number) => {
        for (let t = 0; t <= ms; t += 1000) {
          if (t) clock.advance(1000)
          a.worker.wake()
          b.worker.wake()
          await Promise.all([a.worker.whenIdle(), b.worker.whenIdle()])
        }
      }
      // Written by another replica's API: each worker reads it within a second (SILENCE_REFRESH_MS).
      await settle(1000)
      for (let i = 0; i < 3; i++) await accept(i % 2 ? a.store : b.store)
      await settle(2000)
      expect(ding.shown()).toEqual([])

      // Replica a restarts: the silence is in the store, so the new process mutes too.
      await a.close()
      a = await replica()
      await accept(a.store)
      await settle(2000)
      expect(ding.shown()).toEqual([])
      expect((await a.store.listDeliveries({ status: 'silenced', limit: 10 })).map((d) => d.muted_by)).toEqual(Array(4).fill('sil_pg'))

      await settle(10 * 60_000)
      const shown = ding.shown().map((r) => JSON.stringify(r.message))
      expect(shown).toHaveLength(1)
      expect(shown[0]).toContain('while muted: 4')
      expect(coveredNumbers(shown[0])).toEqual([1, 2, 3, 4])
    } finally {
      await a.close()
      await b.close()
    }
  })
})
