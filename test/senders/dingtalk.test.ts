import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { RobotError } from '../../src/senders/robot-error.js'
import { createSenders } from '../../src/senders/index.js'
import { dingtalkSign, signedUrl } from '../../src/platforms/dingtalk/sign.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'

const SECRET = 'SEC000000000000000000000'
const clock = manualClock()
let fake: FakeDingTalk
beforeAll(async () => {
  fake = await startFakeDingTalk([{ token: 'signedtoken', security: { secret: SECRET, keywords: ['CI'] } }], { clock })
})
afterAll(() => fake.close())

const target = (): NamedTarget => ({ name: 'ops', type: 'dingtalk', webhook: fake.webhook('signedtoken'), secret: SECRET, keyword: 'CI', msgtype: 'markdown', rate_per_minute: 20 })
/** The robot's target with a secret that is not the robot's. */
const wrongSecret = (): NamedTarget => ({ name: 'ops', type: 'dingtalk', webhook: fake.webhook('signedtoken'), secret: 'SECwrong0000000000000000', keyword: 'CI', msgtype: 'markdown', rate_per_minute: 20 })
const message = { msgtype: 'markdown', markdown: { title: 'CI 构建失败', text: '#### CI 构建失败' } }

describe('DingTalk signing (加签)', () => {
  it('matches the documented vector and is URL-encoded exactly once', () => {
    expect(dingtalkSign(SECRET, 1599360473000)).toBe('kjOV9n/gRl1AeeXnxqNB9wcQisVPOw+8ce62niAcJZ4=')
    const url = signedUrl('https://oapi.dingtalk.com/robot/send?access_token=t', SECRET, 1599360473000)
    expect(url).toBe('https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1599360473000&sign=kjOV9n%2FgRl1AeeXnxqNB9wcQisVPOw%2B8ce62niAcJZ4%3D')
    expect(signedUrl('https://x/robot/send?access_token=t', undefined, 1)).toBe('https://x/robot/send?access_token=t')
  })
})

describe('dingtalk sender', () => {
  it('signs every attempt afresh and adds msgUuid; the fake accepts both', async () => {
    const sender = createSenders({ timeoutMs: 2000, now: clock.now }).dingtalk
    await sender.send(target(), message, { uuid: 'uuid-1' })
    clock.advance(2 * 3600_000) // a signature computed once would now be stale
    await sender.send(target(), message, { uuid: 'uuid-2' })
    const [a, b] = fake.shown()
    expect(a.message).toMatchObject({ ...message, msgUuid: 'uuid-1' })
    expect(b.message).toMatchObject({ msgUuid: 'uuid-2' })
    const ts = (q: string) => new URLSearchParams(q).get('timestamp')
    expect(ts(a.rawQuery)).not.toBe(ts(b.rawQuery))
    for (const r of fake.records) expect(r.rawQuery + r.body).not.toContain(SECRET)
  })

  it('re-signs once on 310000 invalid timestamp, then gives up as permanent', async () => {
    const stale = () => clock.now() - 2 * 3600_000
    let calls = 0
    const healing = createSenders({ timeoutMs: 2000, now: () => (calls++ === 0 ? stale() : clock.now()) }).dingtalk
    const before = fake.records.length
    await healing.send(target(), message, { uuid: 'uuid-3' })
    expect(fake.records.slice(before).map((r) => r.errmsg)).toEqual(['invalid timestamp', 'ok'])

    const skewed = createSenders({ timeoutMs: 2000, now: stale }).dingtalk
    const mark = fake.records.length
    const err = await skewed.send(target(), message, { uuid: 'uuid-4' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RobotError)
    expect((err as RobotError).o).toMatchObject({ retryable: false, errcode: 310000 })
    expect((err as RobotError).message).not.toContain('signedtoken')
    expect((err as RobotError).message).not.toContain(SECRET)
    expect(fake.records.length - mark).toBe(2)
  })

  it('reports every POST through onPost: two for a re-signed send, one for a plain or a refused one', async () => {
    const stale = () => clock.now() - 2 * 3600_000
    let calls = 0
    let posts = 0
    const onPost = () => void posts++
    const healing = createSenders({ timeoutMs: 2000, now: () => (calls++ === 0 ? stale() : clock.now()) }).dingtalk
    await healing.send(target(), message, { uuid: 'uuid-6', onPost })
    expect(posts).toBe(2)
    await healing.send(target(), message, { uuid: 'uuid-7', onPost })
    expect(posts).toBe(3)
    await expect(healing.send(wrongSecret(), message, { uuid: 'uuid-8', onPost })).rejects.toBeInstanceOf(RobotError)
    expect(posts).toBe(4)
  })

  it('does not re-sign a bad signature (wrong secret is permanent at once)', async () => {
    const sender = createSenders({ timeoutMs: 2000, now: clock.now }).dingtalk
    const mark = fake.records.length
    await expect(sender.send(wrongSecret(), message, { uuid: 'uuid-5' })).rejects.toMatchObject({ o: { retryable: false, errcode: 310000 } })
    expect(fake.records.length - mark).toBe(1)
  })
})
