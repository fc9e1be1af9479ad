import { describe, expect, it } from 'vitest'
import type { FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import type { Renderer } from '../../src/render/types.js'
import { GATHER_MS } from '../../src/delivery/worker.js'
import { coveredNumbers, fakeRenderers, perTest, type harness } from './harness.js'

const TOKEN = 'tok0123456789secret'
const started = perTest()

const yaml = (webhook: string, extra = '') => `
targets:
  ops:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
${extra}
rules:
  - name: all
    notify: [ops]
`

async function setup(o: { extra?: string; settings?: Parameters<typeof harness>[0]['settings']; keywords?: string[] } = {}) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: o.keywords ?? ['CI'] } }], { clock })
  const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), o.extra), clock, settings: o.settings })
  return { h, ding, clock }
}

const shownNumbers = (f: FakeDingTalk) => f.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))

describe('worker: sending', () => {
  it('sends an accepted event once with its msgUuid, marks it sent, logs without URL or token', async () => {
    const { h, ding } = await setup()
    await h.accept()
    await h.settle(0)
    const [shown] = ding.shown()
    const [d] = await h.store.listDeliveries({ limit: 10 })
    expect(d).toMatchObject({ status: 'sent', attempts: 1 })
    expect(shown.msgUuid).toBe(d.msg_uuid)
    expect(coveredNumbers(JSON.stringify(shown.message))).toEqual([1])
    const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'delivery sent')
    expect(line).toMatchObject({ target: 'ops', errcode: 0, attempt: 1 })
    expect(typeof line.latencyMs).toBe('number')
    expect(h.logs.join('')).not.toContain(TOKEN)
    expect(await h.metrics.deliveries.get()).toMatchObject({ values: [{ labels: { target: 'ops', result: 'sent' }, value: 1 }] })
  })

  it('keeps order per target through retries: nothing overtakes a delivery that is retrying', async () => {
    const { h, ding } = await setup()
    ding.inject({ kind: 'errcode', errcode: -1, errmsg: '系统繁忙' }, 2)
    for (let i = 0; i < 5; i++) await h.accept()
    await h.settle(0)
    expect(ding.shown()).toHaveLength(0) // the head failed; the other four wait behind it
    const [head] = await h.store.waitingFor('ops', 1)
    expect(head).toMatchObject({ id: 1, status: 'retrying', last_errcode: -1, last_errmsg: '系统繁忙' })
    await h.settle(10_000)
    expect(shownNumbers(ding)).toEqual([1, 2, 3, 4, 5])
    expect(ding.records.filter((r) => r.injected)).toHaveLength(2)
    expect(await h.metrics.retries.get()).toMatchObject({ values: [{ labels: { errcode: '-1' }, value: 2 }] })
  })

  it('a robot down (5xx, then hanging) for 20 minutes: everything arrives after, in order, once', async () => {
    const { h, ding } = await setup({ settings: { deliveryTimeoutMs: 300 } })
    ding.inject({ kind: 'status', status: 503 }, 6)
    ding.inject({ kind: 'hang' })
    for (let i = 0; i < 12; i++) {
      await h.accept()
      await h.settle(100_000, 10_000)
    }
    expect(ding.shown()).toHaveLength(0)
    const retrying = await h.store.listDeliveries({ status: 'retrying', limit: 50 })
    expect(retrying.map((d) => d.id)).toEqual([1]) // only the head is tried
    ding.clearFailures()
    await h.settle(10 * 60_000, 5_000)
    expect(shownNumbers(ding)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect((await h.store.queueStats()).pending + (await h.store.queueStats()).retrying).toBe(0)
    expect(ding.records.filter((r) => r.errcode === 130101)).toHaveLength(0)
  })

  it('a permanent error goes to the dead letters at once with errcode and errmsg; the next one still goes', async () => {
    const { h, ding } = await setup({ keywords: ['部署'] })
    await h.accept()
    await h.settle(0)
    const [dead] = await h.store.listDeliveries({ status: 'dead', limit: 5 })
    expect(dead).toMatchObject({ id: 1, attempts: 1, last_errcode: 310000, last_errmsg: 'keywords not in content' })
    expect(ding.records).toHaveLength(1)
    await h.accept()
    await h.settle(0)
    expect(ding.records).toHaveLength(2)
    expect(h.logs.join('')).not.toContain(TOKEN)
  })

  it('DingTalk 130101: the whole target waits out the 10-minute block, then resumes', async () => {
    const { h, ding, clock } = await setup()
    ding.inject({ kind: 'errcode', errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }, 1)
    const t0 = clock.now()
    // both queued before the worker looks (each accept is a group commit, resolved after the worker may have run)
    await h.accept({}, { wake: false })
    await h.accept()
    await h.settle(0)
    // The refused POST counts against the budget too (src/delivery/rate-limit.ts): 19 of 20 left this minute.
    expect(h.worker.targetStates().ops).toEqual({ rateLimitedUntil: new Date(t0 + 600_000).toISOString(), budgetLeft: 19 })
    expect((await h.store.queueStats()).waitingByTarget.ops).toBe(2) // the block holds both, not only the one refused
    await h.settle(9 * 60_000 + 50_000, 10_000)
    expect(ding.records).toHaveLength(1)
    await h.settle(20_000)
    expect(shownNumbers(ding)).toEqual([1, 2])
    expect(ding.shown()[0].at).toBeGreaterThanOrEqual(t0 + 600_000)
  })

  it('gives up after retryMaxAgeMs: dead letter naming the last error', async () => {
    const { h, ding } = await setup({ settings: { retryMaxAgeMs: 10 * 60_000 } })
    ding.inject({ kind: 'status', status: 500 })
    await h.accept()
    await h.settle(15 * 60_000, 15_000)
    const [dead] = await h.store.listDeliveries({ status: 'dead', limit: 5 })
    expect(dead.last_errmsg).toMatch(/^gave up after .* last error: HTTP 500$/)
    const tries = ding.records.length
    await h.settle(30 * 60_000, 60_000)
    expect(ding.records).toHaveLength(tries)
  })

  it('a target removed from the rules: its deliveries are dead with a clear errmsg', async () => {
    const { h } = await setup({ settings: { dryRun: true } })
    await h.accept()
    await h.settle(0)
    const { parseRules } = await import('../../rules/load.js')
    const { RulesRuntime } = await import('../../rules/runtime.js')
    const other = RulesRuntime.fromCompiled(parseRules('targets:\n  other:\n    type: wecom\n    webhook: ""\nrules:\n  - name: all\n    notify: [other]\n', { file: '<inline>', env: {} }))
    Object.defineProperty(h.rules, 'current', { get: () => other.current })
    // event routed to ops before the reload
    await h.store.accept({
      event: { ...(await h.store.getEvent('ev-1'))!.event, id: 'ev-x', delivery_id: 'dx' },
      dedupeKey: 'dx',
      decide: () => ({ routing: { transition: null, matched: ['all'], targets: [{ target: 'ops', rules: ['all'], mentions: [], all: false }], unresolved: [] } }),
    })
    h.worker.wake()
    await h.settle(0)
    const [dead] = await h.store.listDeliveries({ status: 'dead', limit: 5 })
    expect(dead.last_errmsg).toBe('target "ops" is not in the rules file any more (removed on reload); retry it after restoring the target')
  })

  it('dry run: renders, logs the exact message, marks dry_run, never posts', async () => {
    const { h, ding } = await setup({ settings: { dryRun: true } })
    await h.accept()
    await h.settle(0)
    expect(ding.records).toHaveLength(0)
    expect((await h.store.listDeliveries({ limit: 5 }))[0].status).toBe('dry_run')
    const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('dry run'))
    expect(line).toMatchObject({ level: 30, target: 'ops', messages: [{ msgtype: 'markdown', markdown: { title: '#1' } }] })
  })

  it('a stream of webhooks shares the passes over the store: not one pass per webhook, and every one is handled', async () => {
    const { h } = await setup({ settings: { dryRun: true } })
    let passes = 0
    const dueTargets = h.store.dueTargets.bind(h.store)
    h.store.dueTargets = (now) => (passes++, dueTargets(now))
    // One webhook a millisecond, as at 1000/s: each arrives after the pass the last one started has ended.
    const started = performance.now()
    for (let i = 0; i < 100; i++) {
      await h.accept()
      await new Promise((r) => setTimeout(r, 1))
    }
    const streamMs = performance.now() - started
    await h.settle(0)
    expect((await h.store.listDeliveries({ status: 'dry_run', limit: 200 })).length).toBe(100)
    // A pass per gathering window of the stream's time (with some slack for a pass repeated at once, when a wake came
    // during it), not one per webhook. On a host slow enough to stretch 1 ms sleeps the stream takes longer and so
    // may have more passes: a bound in passes alone failed there (64 for 100 webhooks under a loaded CI run).
    expect(passes).toBeLessThan((1.2 * streamMs) / GATHER_MS + 5)
  })

  it('a digest that fails part way through rendering: its head becomes a dead letter naming the error, the rest go on', async () => {
    const clock = manualClock()
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const plain = fakeRenderers().dingtalk
    const broken: Renderer = {
      render: plain.render,
      catchUp: plain.catchUp,
      reminder: plain.reminder,
      *digest() {
        yield // the worker may have handed the event loop over here
        throw new Error('template exploded')
      },
    }
    const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), '    rate_per_minute: 2'), clock, renderers: Object.fromEntries(Object.keys(fakeRenderers()).map((n) => [n, broken])) as ReturnType<typeof fakeRenderers> })
    for (let i = 0; i < 4; i++) await h.accept({}, { wake: false })
    h.worker.wake()
    await h.settle(5 * 60_000, 1_000)
    const ds = await h.store.listDeliveries({ limit: 10 })
    const dead = ds.filter((d) => d.status === 'dead')
    // The first send after a start is the head alone; a digest is tried next, fails, and only its head is dropped.
    expect(dead.length).toBeGreaterThan(0)
    for (const d of dead) expect(d.last_errmsg).toBe('render failed: template exploded')
    // the others went alone (rendered without a digest) once no more waited than the budget allowed
    expect(ds.filter((d) => d.status === 'sent').map((d) => d.id).sort()).toEqual(shownNumbers(ding).sort())
    expect(dead.length + shownNumbers(ding).length).toBe(4)
    expect(h.logs.some((l) => l.includes('delivery cannot be rendered: dead letter'))).toBe(true)
  })

  it('reads the head again with the batch: a head that is no longer due by then is waited for, not sent', async () => {
    const { h, ding, clock } = await setup()
    const waitingFor = h.store.waitingFor.bind(h.store)
    let changed = 0
    // Between the look at the head and the batch read, the head became a delivery due in a minute (as a requeued
    // dead letter with a retry time could be).
    h.store.waitingFor = async (target, limit) => {
      const ds = await waitingFor(target, limit)
      if (limit === 1 || !ds.length || changed++) return ds
      return [{ ...ds[0], next_attempt_at: clock.now() + 60_000 }, ...ds.slice(1)]
    }
    await h.accept()
    await h.settle(0)
    expect(ding.shown()).toHaveLength(0)
    await h.settle(61_000)
    expect(shownNumbers(ding)).toEqual([1])
  })

  it('a target with an empty webhook only logs, next to one that posts', async () => {
    const { h, ding } = await setup({ extra: '  quiet:\n    type: wecom\n    webhook: ""' })
    const two = `rules:\n  - name: all\n    notify: [ops, quiet]\n`
    const { parseRules } = await import('../../rules/load.js')
    const compiled = parseRules(yaml(ding.webhook(TOKEN), '  quiet:\n    type: wecom\n    webhook: ""').replace(/rules:[\s\S]*/, two), { file: '<inline>', env: {} })
    Object.defineProperty(h.rules, 'current', { get: () => compiled })
    await h.accept()
    await h.settle(0)
    const byTarget = Object.fromEntries((await h.store.listDeliveries({ limit: 5 })).map((d) => [d.target, d.status]))
    expect(byTarget).toEqual({ ops: 'sent', quiet: 'dry_run' })
    expect(ding.records).toHaveLength(1)
  })
})

describe('worker: WeCom 45009', () => {
  it('waits at least 60 s after api freq out of limit', async () => {
    const clock = manualClock()
    const wecom = await started.wecom([{ key: 'wkey' }], { clock })
    const h = await started.harness({ clock, yaml: `targets:\n  dev:\n    type: wecom\n    webhook: "${wecom.webhook('wkey')}"\nrules:\n  - name: all\n    notify: [dev]\n` })
    wecom.inject({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit, hint: [1], from ip: 1.2.3.4' }, 1)
    const t0 = clock.now()
    await h.accept()
    await h.settle(59_000)
    expect(wecom.shown()).toHaveLength(0)
    expect(h.worker.targetStates().dev.rateLimitedUntil).toBe(new Date(t0 + 60_000).toISOString())
    await h.settle(2_000)
    expect(wecom.shown()).toHaveLength(1)
    expect(wecom.shown()[0].at).toBeGreaterThanOrEqual(t0 + 60_000)
  })
})

describe('worker: restart', () => {
  it('counts the sends of the previous process in the past minute, so a restart does not overspend the budget', async () => {
    const { h, ding, clock } = await setup({ extra: '    rate_per_minute: 2' })
    await h.accept()
    await h.settle(0)
    expect(ding.shown()).toHaveLength(1)
    await h.worker.stop(1000)
    const { Worker } = await import('../../src/delivery/worker.js')
    const again = new Worker(h.base)
    again.start()
    await h.accept()
    again.wake()
    await again.whenIdle()
    // The one send left in this minute is paced to when the first send leaves the window (61 s).
    for (let i = 0; i < 59; i++) {
      clock.advance(1000)
      await again.whenIdle()
    }
    expect(ding.shown()).toHaveLength(1)
    for (let i = 0; i < 5; i++) {
      clock.advance(1000)
      await again.whenIdle()
    }
    expect(ding.shown()).toHaveLength(2)
    await again.stop(1000)
  })
})

describe('worker: stop', () => {
  /** Polls real time (the send is a real HTTP call) for up to 20 s, a bound only a stuck worker reaches; true once
   * `cond` holds. */
  const until = async (cond: () => boolean): Promise<boolean> => {
    for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10))
    return cond()
  }

  it('lets the send in progress finish, then takes no more work', async () => {
    const { h, ding } = await setup()
    ding.setLatency(150)
    await h.accept()
    expect(await until(() => ding.records.length === 1)).toBe(true)
    await h.worker.stop(5_000)
    expect(h.worker.alive()).toBe(false)
    expect((await h.store.listDeliveries({ limit: 5 }))[0].status).toBe('sent')
    await h.accept()
    await h.settle(60_000, 10_000)
    expect(ding.records).toHaveLength(1)
  })

  it('aborts a send that outlives the bound; the delivery stays queued for the next start', async () => {
    const { h, ding } = await setup()
    ding.inject({ kind: 'hang' })
    await h.accept()
    expect(await until(() => ding.records.length === 1)).toBe(true)
    await h.worker.stop(50)
    const [d] = await h.store.listDeliveries({ limit: 5 })
    expect(d).toMatchObject({ status: 'retrying', last_errmsg: 'aborted (shutting down)' })
  })
})

describe('worker: a send that may have landed is never merged into a digest', () => {
  const count = (f: FakeDingTalk, n: number) => f.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message))).filter((x) => x === n).length

  it('after a timeout the delivery goes alone again with its msgUuid (absorbed), even when a burst is digested', async () => {
    const { h, ding } = await setup({ settings: { deliveryTimeoutMs: 150 } })
    // One send first, so the timed-out one is not also the first since start (which goes alone for its own reason).
    await h.accept()
    await h.settle(0)
    expect((await h.store.listDeliveries({ status: 'sent', limit: 5 })).map((d) => d.id)).toEqual([1])
    ding.setLatency(600) // the robot shows the message but answers too late
    await h.accept()
    await h.settle(0)
    expect((await h.store.listDeliveries({ status: 'retrying', limit: 5 })).map((d) => d.id)).toEqual([2])
    ding.setLatency(0)
    for (let i = 0; i < 30; i++) await h.accept()
    await h.settle(3 * 60_000, 1_000)
    expect(count(ding, 2)).toBe(1)
    expect(ding.records.filter((r) => r.duplicate)).toHaveLength(1)
    expect(await h.metrics.digests.get()).toMatchObject({ values: [{ value: expect.any(Number) }] })
    for (const n of [1, ...Array.from({ length: 30 }, (_, i) => i + 3)]) expect(count(ding, n), `event ${n}`).toBe(1)
  })

  it('after a restart the first send to a target is its head alone (it may have been in flight at the crash)', async () => {
    const { h, ding } = await setup()
    await h.worker.stop(1000)
    for (let i = 0; i < 30; i++) await h.accept()
    // The previous process had posted delivery 1 and died before marking it sent.
    const [head] = await h.store.waitingFor('ops', 1)
    const { event } = (await h.store.getEvent(head.event_id))!
    const { fakeRenderers } = await import('./harness.js')
    const [message] = fakeRenderers().dingtalk.render({ event, route: head.route, transition: null, target: h.rules.current.targets.ops, locale: 'zh-CN', timezone: 'UTC' })
    await fetch(ding.webhook(TOKEN), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...message, msgUuid: head.msg_uuid }) })
    const { Worker } = await import('../../src/delivery/worker.js')
    const again = new Worker({ ...h.base, random: () => 0.5 })
    again.start()
    for (let i = 0; i < 180; i++) {
      await again.whenIdle()
      h.clock.advance(1000)
    }
    await again.whenIdle()
    expect(count(ding, 1)).toBe(1)
    for (let n = 2; n <= 30; n++) expect(count(ding, n), `event ${n}`).toBe(1)
    await again.stop(1000)
  })
})
