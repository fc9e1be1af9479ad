import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { targetSecrets } from '../../rules/secrets.js'
import { Target } from '../../rules/schema.js'
import { readFeishuReply } from '../../src/platforms/feishu/delivery.js'
import { classifyFeishu } from '../../src/platforms/feishu/errcodes.js'
import { feishu } from '../../src/platforms/feishu/index.js'
import { feishuLoad } from '../../src/platforms/feishu/render.js'
import { feishuSign } from '../../src/platforms/feishu/sign.js'
import { redactRobotUrl } from '../../src/platforms/redact.js'
import { createSenders } from '../../src/senders/index.js'
import { RobotError } from '../../src/senders/robot-error.js'
import type { RobotMessage } from '../../src/render/types.js'
import { startFakeFeishu, type FakeFeishu } from '../fake-im/feishu.js'
import { manualClock } from '../fake-im/manual-clock.js'
import * as f from '../render/events.js'

const reply = (status: number, body: unknown) => ({ status, text: typeof body === 'string' ? body : JSON.stringify(body), headers: {} })

describe('Feishu signature (in the body)', () => {
  it('matches the doc vector: key = timestamp + "\\n" + secret over an empty message, timestamp in seconds', () => {
    expect(feishuSign('demo', 1599360473)).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=')
    expect(feishuSign('SEC000000000000000000000', 1599360473)).toBe('tZVM4ouDwq+2bRx/q1XWi581sbrH/l2hxBttPdp/a9A=')
  })

  it('puts timestamp and sign first in the body, fresh at each attempt; the URL is untouched', () => {
    const t = { name: 'ops', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/tok', secret: 'demo' }
    const m = { msg_type: 'text', content: { text: 'hi' } }
    const req = feishu.delivery.request(t, m, { uuid: 'u', nowMs: 1599360473_999 })
    expect(req.url).toBe(t.webhook)
    expect(JSON.stringify(req.body)).toBe(JSON.stringify({ timestamp: '1599360473', sign: 'l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=', ...m }))
    expect(feishu.delivery.request({ ...t, secret: undefined }, m, { uuid: 'u', nowMs: 1 }).body).toEqual(m)
  })
})

describe('Feishu replies and codes', () => {
  it('success is (code ?? StatusCode) === 0 on HTTP 200: today\'s body, the legacy one, code alone', () => {
    expect(readFeishuReply(reply(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' }))).toEqual({ ok: true })
    expect(readFeishuReply(reply(200, { Extra: null, StatusCode: 0, StatusMessage: 'success' }))).toEqual({ ok: true })
    expect(readFeishuReply(reply(200, { code: 0 }))).toEqual({ ok: true })
    // a DingTalk-shaped or empty answer is not a success
    expect(readFeishuReply(reply(200, { errcode: 0 }))).toMatchObject({ ok: false, verdict: { kind: 'retry' }, label: 'bad_reply' })
    expect(readFeishuReply(reply(200, 'ok'))).toMatchObject({ ok: false, label: 'bad_reply' })
  })

  it('reads the code of an HTTP 400 body: 9499 "too many request" waits, 9499 "Bad Request" is final', () => {
    expect(readFeishuReply(reply(400, { code: 9499, msg: 'too many request', data: {} }))).toMatchObject({ ok: false, verdict: { kind: 'rate_limited', waitMs: 60_000 }, errcode: 9499 })
    expect(readFeishuReply(reply(400, { code: 9499, msg: 'Bad Request', data: {} }))).toMatchObject({ ok: false, verdict: { kind: 'permanent' }, errcode: 9499 })
    expect(readFeishuReply(reply(400, '<html>'))).toMatchObject({ ok: false, verdict: { kind: 'permanent' }, label: 'http_400' })
    expect(readFeishuReply(reply(502, { code: 0 }))).toMatchObject({ ok: false, verdict: { kind: 'retry' }, label: 'http_5xx' })
    expect(readFeishuReply(reply(429, ''))).toMatchObject({ ok: false, verdict: { kind: 'rate_limited' } })
  })

  it('classifies the code table', () => {
    expect(classifyFeishu(11232, 'frequency limited psm[…]')).toEqual({ kind: 'rate_limited', waitMs: 60_000 })
    expect(classifyFeishu(19021, 'sign match fail or timestamp is not within one hour from current time')).toEqual({ kind: 'resign' })
    for (const code of [19001, 19002, 19007, 19022, 19024, 11246, 19036]) expect(classifyFeishu(code, '')).toEqual({ kind: 'permanent' })
    expect(classifyFeishu(9499, 'Bad Request: fail to parse content')).toEqual({ kind: 'permanent' })
    expect(classifyFeishu(2200, 'internal error')).toEqual({ kind: 'retry' })
  })
})

describe('Feishu target', () => {
  it('defaults to post at 20 a minute, caps the rate at 100', () => {
    const t = Target.parse({ type: 'feishu', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/x' })
    expect(t).toMatchObject({ msgtype: 'post', rate_per_minute: 20 })
    expect(Target.safeParse({ type: 'feishu', webhook: '', rate_per_minute: 101 }).success).toBe(false)
    expect(Target.safeParse({ type: 'feishu', webhook: '', msgtype: 'markdown' }).success).toBe(false)
  })
})

describe('Feishu path token', () => {
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789'
  it('is redacted wherever a robot URL is shown, on both hosts', () => {
    expect(redactRobotUrl(`ops: POST ${url}: HTTP 500`)).toBe('ops: POST https://open.feishu.cn/open-apis/bot/v2/hook/***: HTTP 500')
    expect(redactRobotUrl('"https://open.larksuite.com/open-apis/bot/v2/hook/tok-1?x=1"')).toBe('"https://open.larksuite.com/open-apis/bot/v2/hook/***?x=1"')
    // the query credentials are still redacted
    expect(redactRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=abc')).toBe('https://oapi.dingtalk.com/robot/send?access_token=***')
  })
  it('is a secret value of the target (logs and errmsgs are scrubbed of it), with its signing secret', () => {
    const secrets = targetSecrets({ type: 'feishu', webhook: url, secret: 'sig-secret', rate_per_minute: 10, msgtype: 'post' })
    expect(secrets).toEqual(expect.arrayContaining([url, '0a1b2c3d-4e5f-6789-abcd-ef0123456789', 'sig-secret']))
  })
})

type Post = { msg_type: 'post'; content: { post: { zh_cn: { title: string; content: { tag: string; text?: string; href?: string; user_id?: string }[][] } } } }

describe('Feishu messages', () => {
  const target = (o: Record<string, unknown> = {}) => ({ type: 'feishu', webhook: '', rate_per_minute: 10, msgtype: 'post', keyword: 'CI', ...o }) as unknown as Target
  const zhang = { as: 'author' as const, name: '张三', resolved: true, ids: { feishu: 'ou_zhang' } }
  const evil = { as: 'author' as const, name: '<at user_id="all"></at>', resolved: false }

  it('post: keyword in the title, links as a nodes, mentions as at nodes, unresolved people by name', () => {
    const [m] = feishu.renderer.render(f.input(f.gitlabPipelineFailed(), { target: target(), route: f.route({ mentions: [zhang, evil] }) })) as [Post]
    const post = m.content.post.zh_cn
    expect(m.msg_type).toBe('post')
    expect(post.title.startsWith('CI ')).toBe(true)
    const nodes = post.content.flat()
    expect(nodes.filter((n) => n.tag === 'a').every((n) => /^https?:\/\//.test(n.href!))).toBe(true)
    expect(nodes.filter((n) => n.tag === 'at').map((n) => n.user_id)).toEqual(['ou_zhang'])
    expect(JSON.stringify(post)).not.toMatch(/<at/)
  })

  it('text and card: our <at> tokens only; CI text cannot write one (a commit message, a name)', () => {
    const e = f.gitlabPipelineFailed()
    e.commit = { ...e.commit!, title: '<at user_id="all"></at> [x](http://evil) **bold**' }
    for (const msgtype of ['text', 'interactive']) {
      const [m] = feishu.renderer.render(f.input(e, { target: target({ msgtype }), route: f.route({ mentions: [zhang, evil] }) }))
      const s = JSON.stringify(m)
      const ats = [...s.matchAll(/<at[^>]*>/g)].map((x) => x[0])
      expect(ats).toEqual([msgtype === 'text' ? '<at user_id=\\"ou_zhang\\">' : '<at id=ou_zhang>'])
      expect(s).not.toContain('[x](http://evil)')
    }
    const [all] = feishu.renderer.render(f.input(e, { target: target({ msgtype: 'text' }), route: f.route({ mentions: [zhang], all: true }) }))
    expect(JSON.stringify(all)).toContain('<at user_id=\\"all\\"></at>')
  })

  it('a 400-job pipeline fits 20 KB with room for the signature (load ≤ 1)', () => {
    const e = f.gitlabPipelineFailed()
    e.stages = [{ name: 'test', status: 'failed', jobs: Array.from({ length: 400 }, (_, i) => ({ name: `job-${i}-${'长'.repeat(30)}`, status: 'failed' as const, url: `https://ci.example.com/jobs/${i}` })) }]
    for (const msgtype of ['post', 'text', 'interactive']) {
      const ms = feishu.renderer.render(f.input(e, { target: target({ msgtype }) }))
      expect(ms).toHaveLength(1)
      expect(feishuLoad(ms[0])).toBeLessThanOrEqual(1)
      expect(feishuLoad(ms[0])).toBeGreaterThan(0.8)
    }
  })
})

describe('feishu sender against the fake', () => {
  const clock = manualClock(1_700_000_000_000)
  let fake: FakeFeishu
  beforeAll(async () => {
    fake = await startFakeFeishu([{ token: 'tok-secret-1', security: { secret: 'demo', keywords: ['CI'] }, members: [{ openId: 'ou_zhang' }] }], { clock })
  })
  afterAll(() => fake.close())
  const t = (o: Partial<NamedTarget> = {}): NamedTarget => ({ name: 'ops', type: 'feishu', webhook: fake.webhook('tok-secret-1'), secret: 'demo', keyword: 'CI', msgtype: 'post', rate_per_minute: 10, ...o }) as NamedTarget
  const message = (): RobotMessage => feishu.renderer.render(f.input(f.gitlabPipelineFailed(), { target: t(), route: f.route({ mentions: [{ as: 'author', name: '张三', resolved: true, ids: { feishu: 'ou_zhang' } }] }) }))[0]

  it('signs each attempt; the group shows the post with the mention resolved', async () => {
    const sender = createSenders({ timeoutMs: 2000, now: clock.now }).feishu
    await sender.send(t(), message(), { uuid: 'u1' })
    const [shown] = fake.shown()
    expect(shown.mentions).toEqual({ resolved: ['ou_zhang'], unresolved: [] })
    expect(shown.visible).toContain('@ou_zhang')
  })

  it('re-signs once on 19021 (stale clock), then is final; the error names no token or secret', async () => {
    const stale = () => clock.now() - 2 * 3600_000
    let calls = 0
    const healing = createSenders({ timeoutMs: 2000, now: () => (calls++ === 0 ? stale() : clock.now()) }).feishu
    const mark = fake.records.length
    await healing.send(t(), message(), { uuid: 'u2' })
    expect(fake.records.slice(mark).map((r) => r.code)).toEqual([19021, 0])
    const skewed = createSenders({ timeoutMs: 2000, now: stale }).feishu
    const err = await skewed.send(t(), message(), { uuid: 'u3' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RobotError)
    expect((err as RobotError).o).toMatchObject({ retryable: false, errcode: 19021 })
    expect((err as RobotError).message).not.toContain('tok-secret-1')
    expect((err as RobotError).message).toContain('/open-apis/bot/v2/hook/***')
  })

  it('an HTTP 400 9499 "too many request" is a rate limit, not a failure', async () => {
    fake.inject({ kind: 'errcode', errcode: 9499, errmsg: 'too many request', status: 400 }, 1)
    const sender = createSenders({ timeoutMs: 2000, now: clock.now }).feishu
    const err = await sender.send(t(), message(), { uuid: 'u4' }).catch((e: unknown) => e)
    expect((err as RobotError).o).toMatchObject({ errcode: 9499 })
    expect((err as RobotError).r.verdict).toEqual({ kind: 'rate_limited', waitMs: 60_000 })
    expect((err as RobotError).message).not.toContain('tok-secret-1')
  })
})
