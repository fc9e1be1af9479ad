import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeliveryError } from '../../src/errors.js'
import { platforms } from '../../src/platforms/index.js'
import { RobotError } from '../../src/senders/robot-error.js'
import { platformSender } from '../../src/senders/send.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'

const TOKEN = 'a1b2c3d4e5f6secrettoken'
let fake: FakeDingTalk
beforeAll(async () => {
  fake = await startFakeDingTalk([{ token: TOKEN }])
})
afterAll(() => fake.close())

const body = { msgtype: 'markdown', markdown: { title: 't', text: 'x' } }
// The transport and the reading of replies, through DingTalk's request and errcode table (no secret: no signature).
const post = (url = fake.webhook(TOKEN), timeoutMs = 2_000) =>
  platformSender(platforms.dingtalk.delivery, { timeoutMs }).send({ name: 'ops', webhook: url }, body, { uuid: 'u1' })

async function failure(p: Promise<unknown>): Promise<RobotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RobotError)
  expect(err).toBeInstanceOf(DeliveryError)
  const e = err as RobotError
  expect(e.message).not.toContain(TOKEN)
  expect(e.r.errmsg).not.toContain(TOKEN)
  return e
}

describe('platformSender (one transport for every platform)', () => {
  it('succeeds only on errcode 0', async () => {
    await expect(post()).resolves.toBeUndefined()
    expect(fake.shown().at(-1)?.message).toMatchObject({ ...body, msgUuid: 'u1' })
  })

  it('treats HTTP 200 with a non-zero errcode as a failure, permanent per the table, URL redacted', async () => {
    const e = await failure(post(fake.webhook('wrong-token-value')))
    expect(e.o).toMatchObject({ retryable: false, errcode: 300001 })
    expect(e.r.errmsg).toBe('token is not exist')
    expect(e.message).toContain('access_token=***')
    expect(e.message).not.toContain('wrong-token-value')
  })

  it('retries -1, 5xx, resets and bad replies; waits out rate limits', async () => {
    fake.inject({ kind: 'errcode', errcode: -1, errmsg: '系统繁忙' }, 1)
    expect((await failure(post())).o).toMatchObject({ retryable: true, errcode: -1 })
    fake.inject({ kind: 'status', status: 502 }, 1)
    const e5 = await failure(post())
    expect(e5.o.retryable).toBe(true)
    expect(e5.r.label).toBe('http_5xx')
    expect(e5.message).toContain('access_token=***')
    fake.inject({ kind: 'status', status: 200 }, 1) // a proxy's page: no {errcode} envelope, outcome unknown
    expect((await failure(post())).r).toMatchObject({ label: 'bad_reply', verdict: { kind: 'retry' } })
    fake.inject({ kind: 'reset' }, 1)
    expect((await failure(post())).r).toMatchObject({ label: 'network', verdict: { kind: 'retry' } })
    fake.inject({ kind: 'errcode', errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }, 1)
    expect((await failure(post())).o).toMatchObject({ retryable: true, retryAfterMs: 600_000, errcode: 130101 })
    fake.inject({ kind: 'status', status: 302 }, 1)
    expect((await failure(post())).o).toMatchObject({ retryable: true, retryAfterMs: 600_000 })
    fake.inject({ kind: 'status', status: 404 }, 1)
    expect((await failure(post())).o.retryable).toBe(false)
  })

  it('times out a hanging robot and calls it retryable', async () => {
    fake.inject({ kind: 'hang' }, 1)
    const e = await failure(post(undefined, 150))
    expect(e.r).toMatchObject({ label: 'timeout', errmsg: 'timed out after 150 ms', verdict: { kind: 'retry' } })
  })

  it('reports an unreachable robot as a retryable network error', async () => {
    const e = await failure(post(`http://127.0.0.1:1/robot/send?access_token=${TOKEN}`))
    expect(e.r.label).toBe('network')
    expect(e.o.retryable).toBe(true)
  })
})
