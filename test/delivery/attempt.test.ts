import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { attempt, batchUuid, type AttemptCtx, type Batch } from '../../src/delivery/attempt.js'
import { RateLimit } from '../../src/delivery/rate-limit.js'
import { RobotError } from '../../src/senders/robot-error.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import type { RobotMessage } from '../../src/render/types.js'
import { createSenders } from '../../src/senders/index.js'
import type { Sender } from '../../src/senders/types.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { acceptInput, sampleEvent } from '../store/sample.js'

const SECRET = 'SECattempt000000000000000'
const clock = manualClock()
let ding: FakeDingTalk
let store: SqliteStore
beforeAll(async () => {
  ding = await startFakeDingTalk([{ token: 'att-token', security: { secret: SECRET, keywords: ['CI'] } }], { clock })
})
afterAll(() => ding.close())
afterEach(() => store?.close())

const md = (text: string): RobotMessage => ({ msgtype: 'markdown', markdown: { title: 'CI', text } })
const silent = createLogger({ level: 'silent' })

function ctx(sender: Sender, limit = new RateLimit()): AttemptCtx {
  return { store, log: silent, metrics: createMetrics(), clock, limit, sender, retryMaxAgeMs: 86_400_000, random: () => 0.5, signal: new AbortController().signal, renew: async () => {}, secrets: [SECRET] }
}

/** `n` fresh deliveries to `target`, oldest first. */
async function deliveries(target: string, n: number) {
  store = new SqliteStore(':memory:')
  for (let i = 0; i < n; i++) await store.accept(acceptInput(sampleEvent({}, new Date(clock.now())), [target]))
  return store.waitingFor(target, n)
}

describe('attempt: the rate budget counts every POST', () => {
  const target = (): NamedTarget => ({ name: 'ops', type: 'dingtalk', webhook: ding.webhook('att-token'), secret: SECRET, keyword: 'CI', msgtype: 'markdown', rate_per_minute: 20 })

  it('a 310000 invalid timestamp then ok (one re-signed resend) takes two slots', async () => {
    const ds = await deliveries('ops', 1)
    let calls = 0
    // The first signature is two hours stale (clock skew); the fresh one is accepted.
    const sender = createSenders({ timeoutMs: 2000, now: () => (calls++ === 0 ? clock.now() - 2 * 3600_000 : clock.now()) }).dingtalk
    const limit = new RateLimit()
    const mark = ding.records.length
    expect(await attempt(ctx(sender, limit), { target: target(), deliveries: ds, inputs: [], messages: [md('CI failed')], digest: false })).toEqual({ kind: 'sent' })
    expect(ding.records.slice(mark).map((r) => r.errmsg)).toEqual(['invalid timestamp', 'ok'])
    expect(limit.snapshot('ops', clock.now())).toHaveLength(2)
    expect(limit.available('ops', 20, clock.now())).toBe(18)
  })

  it('a send that fails still takes its slot; a sender that reports no POSTs still costs one a message', async () => {
    const ds = await deliveries('ops', 1)
    const limit = new RateLimit()
    const failing = createSenders({ timeoutMs: 2000, now: clock.now }).dingtalk
    ding.inject({ kind: 'status', status: 503 }, 1)
    expect((await attempt(ctx(failing, limit), { target: target(), deliveries: ds, inputs: [], messages: [md('CI failed')], digest: false })).kind).toBe('retry')
    expect(limit.snapshot('ops', clock.now())).toHaveLength(1)
    const quiet: Sender = { send: async () => {} }
    const [again] = await store.waitingFor('ops', 1)
    await attempt(ctx(quiet, limit), { target: target(), deliveries: [again], inputs: [], messages: [md('a'), md('b')], digest: false })
    expect(limit.snapshot('ops', clock.now())).toHaveLength(3)
  })
})

describe('attempt: a digest in parts resumes after the parts the robot confirmed', () => {
  const wx = (): NamedTarget => ({ name: 'wx', type: 'wecom', webhook: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=k', msgtype: 'markdown', rate_per_minute: 20 })
  /** Records what it was given; fails the calls listed in `failOn` (1-based) with a retryable robot error. */
  const recording = (failOn: number[]) => {
    const posted: { text: string; uuid: string }[] = []
    let call = 0
    const sender: Sender = {
      async send(_t, message, o) {
        o.onPost?.()
        if (failOn.includes(++call)) throw new RobotError('wx: POST: HTTP 502', { target: 'wx', verdict: { kind: 'retry' }, errmsg: 'HTTP 502', label: 'http_5xx' })
        posted.push({ text: (message as { markdown: { text: string } }).markdown.text, uuid: o.uuid })
      },
    }
    return { sender, posted }
  }

  it('the same digest again skips its confirmed parts (and takes no slot for them); another digest starts over', async () => {
    const ds = await deliveries('wx', 3)
    const parts = [md('part 1'), md('part 2'), md('part 3')]
    const { sender, posted } = recording([3])
    const limit = new RateLimit()
    const digest = (d: typeof ds): Batch => ({ target: wx(), deliveries: d, inputs: [], messages: parts, digest: true })
    expect((await attempt(ctx(sender, limit), digest(ds))).kind).toBe('retry')
    expect(posted.map((p) => p.text)).toEqual(['part 1', 'part 2'])
    const uuid = batchUuid({ deliveries: ds, digest: true }, 0)
    const stored = await store.waitingFor('wx', 3)
    expect(stored.map((d) => d.progress)).toEqual([{ uuid, sent: 2 }, undefined, undefined])

    expect((await attempt(ctx(sender, limit), digest(stored))).kind).toBe('sent')
    expect(posted.map((p) => p.text)).toEqual(['part 1', 'part 2', 'part 3'])
    expect(posted[2].uuid).toBe(`${uuid}-2`)
    expect(limit.snapshot('wx', clock.now())).toHaveLength(4) // 1, 2, the failed 3, then 3: nothing for the skipped ones
    expect((await store.listDeliveries({ limit: 3 })).map((d) => [d.status, d.progress])).toEqual([['sent', undefined], ['sent', undefined], ['sent', undefined]])
  })

  it('progress of another send (a digest of other deliveries) is not taken for this one', async () => {
    const ds = await deliveries('wx', 3)
    const { sender, posted } = recording([2])
    await attempt(ctx(sender), { target: wx(), deliveries: ds, inputs: [], messages: [md('a1'), md('a2')], digest: true })
    const stored = await store.waitingFor('wx', 3)
    expect(stored[0].progress?.sent).toBe(1)
    // Two of the three now: a different digest, a different uuid, so every part goes.
    await attempt(ctx(sender), { target: wx(), deliveries: stored.slice(0, 2), inputs: [], messages: [md('b1'), md('b2')], digest: true })
    expect(posted.map((p) => p.text)).toEqual(['a1', 'b1', 'b2'])
  })
})
