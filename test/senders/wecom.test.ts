import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { RobotError } from '../../src/senders/robot-error.js'
import { createSenders, senders } from '../../src/senders/index.js'
import { startFakeWeCom, type FakeWeCom } from '../fake-im/wecom.js'

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa'
let fake: FakeWeCom
beforeAll(async () => {
  fake = await startFakeWeCom([{ key: KEY, members: [{ userid: 'lisi' }] }])
})
afterAll(() => fake.close())
const target = (key = KEY): NamedTarget => ({ name: 'dev', type: 'wecom', webhook: fake.webhook(key), msgtype: 'markdown', rate_per_minute: 20 })

describe('wecom sender', () => {
  it('posts the message as is (no msgUuid, no signature)', async () => {
    await createSenders({ timeoutMs: 2000 }).wecom.send(target(), { msgtype: 'markdown', markdown: { content: '构建失败 <@lisi>' } }, { uuid: 'u' })
    const [r] = fake.shown()
    expect(r.message).toEqual({ msgtype: 'markdown', markdown: { content: '构建失败 <@lisi>' } })
    expect(r.mentions).toEqual(['lisi'])
  })

  it('fails permanently on a bad key, with the key redacted', async () => {
    const err = await senders.wecom.send(target('wrong-key-123456'), { msgtype: 'text', text: { content: 'x' } }, { uuid: 'u' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RobotError)
    expect((err as RobotError).o).toMatchObject({ retryable: false, errcode: 93000 })
    expect((err as RobotError).message).toContain('key=***')
    expect((err as RobotError).message).not.toContain('wrong-key-123456')
  })

  it('reports its one POST through onPost, ok or refused', async () => {
    let posts = 0
    const onPost = () => void posts++
    await senders.wecom.send(target(), { msgtype: 'text', text: { content: 'x' } }, { uuid: 'u', onPost })
    expect(posts).toBe(1)
    await expect(senders.wecom.send(target('wrong-key-123456'), { msgtype: 'text', text: { content: 'x' } }, { uuid: 'u', onPost })).rejects.toBeInstanceOf(RobotError)
    expect(posts).toBe(2)
  })
})
