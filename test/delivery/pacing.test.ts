import { describe, expect, it } from 'vitest'
import { RateLimit } from '../../src/delivery/rate-limit.js'
import { attempt, type AttemptCtx } from '../../src/delivery/attempt.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import { avoidPeak, MIN_GAP_MS, PEAK_MS } from '../../src/platforms/feishu/pacing.js'
import type { Sender } from '../../src/senders/types.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import type { NamedTarget } from '../../rules/compile.js'
import { harness } from './harness.js'
import { startFakeFeishu } from '../fake-im/feishu.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { acceptInput, sampleEvent } from '../store/sample.js'

/**
 * A platform's per-second limit and the instants it avoids (Platform.minGapMs, Platform.avoid) pace the worker on top
 * of the per-minute budget: Feishu's 5 a second and its :00/:30 peak.
 */
describe('pacing: the least gap between sends', () => {
  it('the next send is never sooner than minGapMs after the last, however much budget is left', () => {
    const limit = new RateLimit()
    limit.take('t', 1_000)
    expect(limit.paceAt('t', 100, 1_000)).toBe(1_000)
    expect(limit.paceAt('t', 100, 1_000, 200)).toBe(1_200)
    expect(limit.paceAt('t', 100, 1_300, 200)).toBe(1_300)
    expect(limit.paceAt('t', 100, 0, 200)).toBe(1_200)
    expect(new RateLimit().paceAt('t', 100, 5, 200)).toBe(5)
  })

  it('Feishu avoids the first seconds of every :00 and :30', () => {
    const at = (h: number, m: number, s: number, ms = 0) => Date.UTC(2026, 11, 4, h, m, s, ms)
    expect(avoidPeak(at(10, 0, 0))).toBe(at(10, 0, 0) + PEAK_MS)
    expect(avoidPeak(at(17, 30, 4, 999))).toBe(at(17, 30, 0) + PEAK_MS)
    expect(avoidPeak(at(17, 30, 0) + PEAK_MS)).toBeUndefined()
    expect(avoidPeak(at(17, 29, 59, 999))).toBeUndefined()
    expect(avoidPeak(at(17, 15, 0))).toBeUndefined()
  })
})

describe('pacing through the worker, against the fake Feishu bot', () => {
  it('a burst at 100 a minute starting on the hour: nothing in the peak seconds, sends ≥ 200 ms apart, no 11232', async () => {
    const clock = manualClock(Date.UTC(2026, 11, 4, 2, 0, 0))
    const fake = await startFakeFeishu([{ token: 'pace-token' }], { clock })
    const h = await harness({
      clock,
      renderers: 'real',
      yaml: `targets:\n  ops:\n    type: feishu\n    webhook: "${fake.webhook('pace-token')}"\n    rate_per_minute: 100\nrules:\n  - name: all\n    notify: [ops]\n`,
    })
    try {
      for (let i = 0; i < 40; i++) await h.accept({ status: 'failed' }, { wake: false })
      for (let i = 0; i < 30; i++) await h.settle(50, 10)
      await h.settle(120_000, 50)
      const sent = fake.records.map((r) => r.at)
      console.log('feishu pacing figures', JSON.stringify({ events: 40, posts: sent.length, firstAfterHourMs: sent[0] - Date.UTC(2026, 11, 4, 2, 0, 0) }))
      expect(fake.records.filter((r) => r.code !== 0)).toEqual([])
      expect(sent.length).toBeGreaterThan(1)
      expect(sent[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 11, 4, 2, 0, 0) + PEAK_MS)
      const gaps = sent.slice(1).map((t, i) => t - sent[i])
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_GAP_MS)
    } finally {
      await h.close()
      await fake.close()
    }
  }, 60_000)

  it('the messages of one batch wait the least gap between them', async () => {
    const clock = manualClock()
    const store = new SqliteStore(':memory:')
    try {
      await store.accept(acceptInput(sampleEvent({}, new Date(clock.now())), ['ops']))
      const ds = await store.waitingFor('ops', 1)
      const at: number[] = []
      const sender: Sender = { send: async () => void at.push(clock.now()) }
      const ctx: AttemptCtx = {
        store,
        log: createLogger({ level: 'silent' }),
        metrics: createMetrics(),
        clock,
        limit: new RateLimit(),
        sender,
        retryMaxAgeMs: 86_400_000,
        random: () => 0.5,
        signal: new AbortController().signal,
        renew: async () => {},
        secrets: [],
        minGapMs: 1_000,
      }
      const target = { name: 'ops', type: 'feishu', webhook: '', rate_per_minute: 20, msgtype: 'text' } as unknown as NamedTarget
      const messages = [1, 2, 3].map((n) => ({ msg_type: 'text', content: { text: `part ${n}` } }))
      const done = attempt(ctx, { target, deliveries: ds, inputs: [], messages, digest: true })
      for (let i = 0; i < 10 && at.length < 3; i++) {
        await new Promise((r) => setImmediate(r))
        clock.advance(500)
      }
      expect(await done).toEqual({ kind: 'sent' })
      expect(at.slice(1).map((t, i) => t - at[i])).toEqual([1_000, 1_000])
    } finally {
      store.close()
    }
  })
})
