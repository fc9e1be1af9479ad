import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, perTest, type Harness } from './harness.js'

const TOKEN = 'tok0123456789silence'
const started = perTest()

const yaml = (webhook: string, rate = 20) => `
targets:
  ops:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
    rate_per_minute: ${rate}
  dev:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
rules:
  - name: all
    notify: [ops]
`

async function setup(o: { rate?: number } = {}) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
  const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), o.rate), clock })
  const app = createApp({ ...h.base, now: () => clock.now(), wake: () => h.worker.wake(), silencesChanged: () => h.worker.silencesChanged(), workerAlive: () => true })
  const silence = async (body: Record<string, unknown>): Promise<string> => {
    const res = await app.request('/api/silences', { method: 'POST', body: JSON.stringify({ comment: 'flaky', created_by: 'ann', duration: '1h', ...body }) })
    expect(res.status).toBe(201)
    return (await res.json()).id
  }
  const expire = async (id: string) => expect((await app.request(`/api/silences/${id}`, { method: 'DELETE' })).status).toBe(200)
  const shown = () => ding.shown().map((r) => JSON.stringify(r.message))
  const numbers = () => shown().flatMap(coveredNumbers)
  return { h, ding, clock, app, silence, expire, shown, numbers }
}

const statuses = async (h: Harness) => (await h.store.listDeliveries({ limit: 100 })).reverse().map((d) => [d.event_id, d.status, d.muted_by ?? null])

describe('worker: silences', () => {
  it('does not send what a silence covers, records it silenced with the silence id, and sends the rest in order', async () => {
    const s = await setup()
    const id = await s.silence({ matchers: { project: 'g/muted/**' } })
    const muted = { project: { name: 'x', path: 'g/muted/x' } }
    for (const over of [{}, muted, {}, muted, {}]) await s.h.accept(over)
    await s.h.settle(0)
    expect(s.numbers()).toEqual([1, 3, 5])
    expect(await statuses(s.h)).toEqual([
      ['ev-1', 'sent', null],
      ['ev-2', 'silenced', id],
      ['ev-3', 'sent', null],
      ['ev-4', 'silenced', id],
      ['ev-5', 'sent', null],
    ])
    const event = await (await s.app.request('/api/events/ev-2')).json()
    expect(event.deliveries).toMatchObject([{ target: 'ops', status: 'silenced', silenced_by: id, sent_at: null }])
    const listed = await (await s.app.request('/api/deliveries?status=silenced')).json()
    expect(listed.deliveries.map((d: { event_id: string }) => d.event_id)).toEqual(['ev-4', 'ev-2'])
    expect((await s.h.metrics.deliveries.get()).values.map((v) => [v.labels.result, v.value]).sort()).toEqual([
      ['sent', 3],
      ['silenced', 2],
    ])
    const text = await s.h.metrics.registry.metrics()
    expect(text).toContain('ci_notify_deliveries_total{target="ops",result="silenced"} 2')
  })

  it('matches with the rules\' patterns (negation, lists, regex) and only on the targets it names', async () => {
    const s = await setup()
    await s.silence({ matchers: { branch: ['/^feat/', '!feat/keep-*'], status: ['failed', 'canceled'] }, targets: ['dev'] })
    await s.silence({ matchers: { branch: ['/^feat/', '!feat/keep-*'], status: ['failed', 'canceled'] }, targets: ['ops'] })
    for (const branch of ['feat/a', 'feat/keep-1', 'main', 'feature']) await s.h.accept({ branch, ref: branch })
    await s.h.accept({ branch: 'feat/b', ref: 'feat/b', status: 'success' })
    await s.h.settle(0)
    expect(s.numbers()).toEqual([2, 3, 5])
  })

  it('does not spend the robot\'s budget on what it silences', async () => {
    const s = await setup({ rate: 4 })
    await s.silence({ matchers: { project: 'g/muted' } })
    for (let i = 0; i < 6; i++) await s.h.accept(i < 4 ? { project: { name: 'm', path: 'g/muted' } } : {})
    await s.h.settle(0)
    // Two sends at once, each alone (no digest): the four muted ones took no slot of the four and made nothing wait.
    expect(s.numbers()).toEqual([5, 6])
    expect((await s.h.metrics.rateLimitWaits.get()).values).toEqual([])
  })

  it('ends by its clock: what arrives after its end is sent, what it held is not (no catch-up by default)', async () => {
    const s = await setup()
    await s.silence({ matchers: { project: '**' }, duration: '10m' })
    await s.h.accept()
    await s.h.settle(0)
    expect(s.shown()).toEqual([])
    await s.h.settle(10 * 60_000, 60_000)
    await s.h.accept()
    await s.h.settle(0)
    expect(s.numbers()).toEqual([2])
    await s.h.settle(5 * 60_000, 60_000)
    expect(s.shown()).toHaveLength(1)
  })

  it('a silence created while a backlog waits out the budget mutes what it covers in that backlog (checked at send time)', async () => {
    const s = await setup({ rate: 1 })
    for (let i = 0; i < 3; i++) await s.h.accept()
    await s.h.settle(0)
    expect(s.numbers()).toEqual([1])
    await s.silence({ matchers: { project: 'g/app' } })
    await s.h.settle(3 * 60_000, 10_000)
    expect(s.numbers()).toEqual([1])
    expect((await statuses(s.h)).map((r) => r[1])).toEqual(['sent', 'silenced', 'silenced'])
  })

  it('DELETE ends it at once: the next event is sent', async () => {
    const s = await setup()
    const id = await s.silence({ matchers: { project: '**' } })
    await s.h.accept()
    await s.h.settle(0)
    await s.expire(id)
    await s.h.accept()
    await s.h.settle(0)
    expect(s.numbers()).toEqual([2])
  })

  it('with catch_up, each target that held something gets one digest at the end, through the outbox, and only one', async () => {
    const s = await setup()
    await s.silence({ matchers: { project: 'g/app' }, duration: '30m', catch_up: true })
    for (let i = 0; i < 4; i++) await s.h.accept()
    await s.h.settle(0)
    expect(s.shown()).toEqual([])
    await s.h.settle(30 * 60_000, 60_000)
    const shown = s.shown()
    expect(shown).toHaveLength(1)
    expect(shown[0]).toContain('while muted: 4')
    const [catchUp] = await s.h.store.listDeliveries({ status: 'sent', limit: 10 })
    expect(catchUp).toMatchObject({ target: 'ops', event_id: 'ev-4', catch_up_of: expect.stringMatching(/^sil_/) })
    expect(s.ding.shown()[0].msgUuid).toBe(catchUp.msg_uuid)
    expect((await s.h.metrics.catchUps.get()).values).toMatchObject([{ labels: { target: 'ops' }, value: 1 }])
    await s.h.settle(60 * 60_000, 60_000)
    expect(s.shown()).toHaveLength(1)
    // What came after the end is sent as usual, after the summary.
    await s.h.accept()
    await s.h.settle(0)
    expect(s.shown()).toHaveLength(2)
    expect(coveredNumbers(s.shown()[1])).toEqual([5])
  })

  it('DELETE of a catch-up silence queues its digest at once; one that held nothing sends nothing', async () => {
    const s = await setup()
    const held = await s.silence({ matchers: { project: 'g/app' }, catch_up: true })
    await s.silence({ matchers: { project: 'g/other' }, duration: '5m', catch_up: true })
    await s.h.accept()
    await s.h.settle(0)
    await s.expire(held)
    await s.h.settle(0)
    expect(s.shown()).toHaveLength(1)
    expect(s.shown()[0]).toContain('while muted: 1')
    await s.h.settle(10 * 60_000, 60_000)
    expect(s.shown()).toHaveLength(1)
  })
})
