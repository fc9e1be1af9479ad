import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, harness, perTest } from './harness.js'
import { NIGHT_END, NIGHT_WINDOW, NIGHT_YAML } from './night.js'

const TOKEN = 'tok0123456789quiet'
const started = perTest()
// Monday 2026-12-07 21:50 in Shanghai (13:50 UTC): ten minutes before the night starts.
const T0 = Date.parse('2026-12-07T13:50:00Z')

const yaml = (webhook: string, catchUp = 'digest') => `
targets:
  ops: { type: dingtalk, webhook: "${webhook}", keyword: CI }
  dev: { type: dingtalk, webhook: "${webhook}", keyword: CI }
${NIGHT_YAML}rules:
  - name: quiet-at-night
    notify: [ops, dev]
    mute_time_intervals: [night]
    catch_up: ${catchUp}
`

async function setup(catchUp?: string) {
  const clock = manualClock(T0)
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
  const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), catchUp), clock })
  const app = createApp({ ...h.base, now: () => clock.now(), wake: () => h.worker.wake(), workerAlive: () => true })
  const shown = () => ding.shown().map((r) => JSON.stringify(r.message))
  return { h, ding, clock, app, shown }
}

describe('worker: time intervals (quiet hours)', () => {
  it('holds what arrives during the night (status held, until 08:00) and sends one catch-up per target at its end', async () => {
    const s = await setup()
    await s.h.accept()
    await s.h.settle(0)
    expect(s.shown().map(coveredNumbers)).toEqual([[1], [1]])
    await s.h.settle(10 * 60_000, 60_000) // 22:00 in Shanghai
    for (let i = 0; i < 3; i++) await s.h.accept()
    await s.h.settle(60_000)
    expect(s.shown()).toHaveLength(2)
    const held = (await s.h.store.listDeliveries({ status: 'held', limit: 10 })).reverse()
    expect(held.map((d) => [d.event_id, d.target, d.next_attempt_at, d.muted_by])).toEqual(
      ['ev-2', 'ev-3', 'ev-4'].flatMap((e) => ['ops', 'dev'].map((t) => [e, t, NIGHT_END, NIGHT_WINDOW])),
    )
    const listed = await (await s.app.request('/api/deliveries?status=held')).json()
    expect(listed.deliveries[0]).toMatchObject({ status: 'held', held: { window: NIGHT_WINDOW, until: '2026-12-08T00:00:00.000Z' }, next_attempt_at: null })

    // Just before 08:00 nothing; at 08:00 one catch-up digest per target, each covering the three held events.
    s.clock.set(NIGHT_END - 2000)
    await s.h.settle(1000)
    expect(s.shown()).toHaveLength(2)
    await s.h.settle(5000)
    const after = s.shown().slice(2)
    expect(after).toHaveLength(2)
    for (const m of after) {
      expect(m).toContain('while muted: 3')
      expect(coveredNumbers(m)).toEqual([2, 3, 4])
    }
    await s.h.settle(10 * 60_000, 60_000)
    expect(s.shown()).toHaveLength(4)
    // What arrives after the night is sent as usual.
    await s.h.accept()
    await s.h.settle(0)
    expect(s.shown().slice(4).map(coveredNumbers)).toEqual([[5], [5]])
  })

  it('catch_up: drop records the deliveries dropped and sends nothing at the end', async () => {
    const s = await setup('drop')
    s.clock.set(Date.parse('2026-12-07T15:00:00Z'))
    await s.h.accept()
    await s.h.settle(0)
    s.clock.set(NIGHT_END - 1000)
    await s.h.settle(10 * 60_000, 60_000)
    expect(s.shown()).toEqual([])
    expect((await s.h.store.listDeliveries({ limit: 10 })).map((d) => d.status)).toEqual(['dropped', 'dropped'])
  })

  it('a restart in the middle of the night keeps what is held, and the new process sends the catch-up', async () => {
    const clock = manualClock(Date.parse('2026-12-07T15:00:00Z'))
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const file = join(mkdtempSync(join(tmpdir(), 'ci-notify-quiet-')), 'ci-notify.db')
    const a = await harness({ yaml: yaml(ding.webhook(TOKEN)), clock, file })
    await a.accept()
    await a.accept()
    await a.settle(0)
    await a.close()
    const b = await started.harness({ yaml: yaml(ding.webhook(TOKEN)), clock, file })
    clock.set(NIGHT_END - 1000)
    await b.settle(5000)
    const shown = ding.shown().map((r) => JSON.stringify(r.message))
    expect(shown).toHaveLength(2)
    expect(shown.map(coveredNumbers)).toEqual([
      [1, 2],
      [1, 2],
    ])
  })
})
