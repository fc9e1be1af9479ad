import { afterEach, describe, expect, it } from 'vitest'
import { dingSign, startFakeDingTalk, type DingRobot, type FakeDingTalk } from './dingtalk.js'
import { manualClock } from './manual-clock.js'

const SECRET = 'SEC000000000000000000000'
let fake: FakeDingTalk | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function start(robots: DingRobot[], o: Parameters<typeof startFakeDingTalk>[1] = {}) {
  fake = await startFakeDingTalk(robots, o)
  return fake
}

async function post(url: string, body: unknown): Promise<{ status: number; json?: { errcode: number; errmsg: string } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), redirect: 'manual' })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

const md = (text = 'hello', extra: Record<string, unknown> = {}) => ({ msgtype: 'markdown', markdown: { title: 't', text }, ...extra })

describe('fake DingTalk: signature', () => {
  it('computes the documented test vector', () => {
    const sign = dingSign(SECRET, '1599360473000')
    expect(sign).toBe('kjOV9n/gRl1AeeXnxqNB9wcQisVPOw+8ce62niAcJZ4=')
    expect(new URLSearchParams({ sign }).toString()).toBe('sign=kjOV9n%2FgRl1AeeXnxqNB9wcQisVPOw%2B8ce62niAcJZ4%3D')
  })

  it('accepts the vector once-encoded, rejects it double-encoded, unencoded, stale or missing', async () => {
    const clock = manualClock(1599360473000 + 5_000)
    const f = await start([{ token: 'tok', security: { secret: SECRET } }], { clock })
    const base = `${f.webhook('tok')}&timestamp=1599360473000`
    expect((await post(`${base}&sign=kjOV9n%2FgRl1AeeXnxqNB9wcQisVPOw%2B8ce62niAcJZ4%3D`, md())).json).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await post(`${base}&sign=kjOV9n%252FgRl1AeeXnxqNB9wcQisVPOw%252B8ce62niAcJZ4%253D`, md())).json).toEqual({ errcode: 310000, errmsg: 'sign not match' })
    expect((await post(`${base}&sign=kjOV9n/gRl1AeeXnxqNB9wcQisVPOw+8ce62niAcJZ4=`, md())).json?.errcode).toBe(310000)
    expect((await post(f.webhook('tok'), md())).json?.errmsg).toBe('sign not match')
    clock.advance(3_600_000)
    expect((await post(`${base}&sign=kjOV9n%2FgRl1AeeXnxqNB9wcQisVPOw%2B8ce62niAcJZ4%3D`, md())).json).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' })
  })
})

describe('fake DingTalk: checks in order', () => {
  it('answers token, state and JSON errors with HTTP 200 and the documented codes', async () => {
    const f = await start([
      { token: 'ok' },
      { token: 'off', state: 'disabled' },
      { token: 'gone', state: 'dissolved' },
      { token: 'out', state: 'not_in_group' },
    ])
    expect(await post(f.webhook('nope'), md())).toEqual({ status: 200, json: { errcode: 300001, errmsg: 'token is not exist' } })
    expect((await post(f.webhook('off'), md())).json?.errcode).toBe(400102)
    expect((await post(f.webhook('gone'), md())).json?.errcode).toBe(400013)
    expect((await post(f.webhook('out'), md())).json?.errcode).toBe(400106)
    expect((await post(f.webhook('ok'), '{"msgtype": "text", ')).json).toEqual({ errcode: 40035, errmsg: '缺少参数 json' })
    expect((await post(f.webhook('ok'), { msgtype: 'image', image: {} })).json?.errcode).toBe(400105)
  })

  it('checks per-type required fields with their exact casing', async () => {
    const f = await start([{ token: 'ok' }])
    const code = async (b: unknown) => (await post(f.webhook('ok'), b)).json?.errcode
    expect(await code({ msgtype: 'markdown', markdown: { text: 'x' } })).toBe(400402)
    expect((await post(f.webhook('ok'), { msgtype: 'markdown', markdown: { text: 'x' } })).json?.errmsg).toContain('markdown --》 title')
    expect(await code({ msgtype: 'link', link: { title: 't', text: 'x', messageURL: 'https://a' } })).toBe(400402)
    expect(await code({ msgtype: 'link', link: { title: 't', text: 'x', messageUrl: 'https://a' } })).toBe(0)
    expect(await code({ msgtype: 'feedCard', feedCard: { links: [{ title: 't', messageUrl: 'https://a', picUrl: 'https://p' }] } })).toBe(400402)
    expect(await code({ msgtype: 'feedCard', feedCard: { links: [{ title: 't', messageURL: 'https://a', picURL: 'https://p' }] } })).toBe(0)
    expect(await code({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', singleTitle: '查看详情', singleUrl: 'https://a' } })).toBe(400402)
    expect(await code({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', singleTitle: '查看详情', singleURL: 'https://a' } })).toBe(0)
    expect(await code({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btns: [{ title: 'b', actionUrl: 'https://a' }] } })).toBe(400402)
    expect(await code({ msgtype: 'text', text: {} })).toBe(400402)
  })

  it('rejects a body over 20000 bytes, counting UTF-8 bytes', async () => {
    const f = await start([{ token: 'ok' }])
    const overhead = Buffer.byteLength(JSON.stringify(md('')))
    const fits = '构'.repeat(Math.floor((20_000 - overhead) / 3))
    expect((await post(f.webhook('ok'), md(fits))).json?.errcode).toBe(0)
    expect((await post(f.webhook('ok'), md(fits + '建'))).json).toEqual({ errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' })
  })

  it('requires a keyword in a visible field, with the robot errmsg style', async () => {
    const f = await start([{ token: 'k', security: { keywords: ['CI'] }, errmsgStyle: 'legacy_more' }, { token: 'm', security: { keywords: ['CI'] }, errmsgStyle: 'modern' }])
    const r = await post(f.webhook('k'), md('no keyword here'))
    expect(r.json).toEqual({ errcode: 310000, errmsg: 'keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' })
    expect((await post(f.webhook('m'), md('nothing'))).json?.errmsg).toContain('关键词不匹配')
    expect((await post(f.webhook('k'), { msgtype: 'markdown', markdown: { title: '[CI] build', text: 'x' } })).json?.errcode).toBe(0)
  })

  it('enforces an IP allowlist', async () => {
    const f = await start([{ token: 'a', security: { ipAllow: ['127.0.0.0/8'] } }, { token: 'b', security: { ipAllow: ['10.0.0.0/8'] } }])
    expect((await post(f.webhook('a'), md())).json?.errcode).toBe(0)
    expect((await post(f.webhook('b'), md())).json).toEqual({ errcode: 310000, errmsg: 'ip 127.0.0.1 not in whitelist' })
  })
})

describe('fake DingTalk: rate limit and idempotency', () => {
  it('takes 20 a minute, blocks the 21st and everything for 10 minutes', async () => {
    const clock = manualClock()
    const f = await start([{ token: 'r' }], { clock })
    for (let i = 0; i < 20; i++) {
      expect((await post(f.webhook('r'), md(`m${i}`))).json?.errcode).toBe(0)
      clock.advance(1000)
    }
    expect((await post(f.webhook('r'), md('21st'))).json).toEqual({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })
    clock.advance(60_000) // the window has rolled, the block has not
    expect((await post(f.webhook('r'), md('blocked'))).json?.errcode).toBe(130101)
    clock.advance(9 * 60_000)
    expect((await post(f.webhook('r'), md('free again'))).json?.errcode).toBe(0)
    expect(f.shown('r')).toHaveLength(21)
  })

  it('can answer the block with HTTP 302 and use 410100', async () => {
    const clock = manualClock()
    const f = await start([{ token: 'r' }], { clock, blockAs302: true })
    for (let i = 0; i < 20; i++) await post(f.webhook('r'), md())
    expect((await post(f.webhook('r'), md())).status).toBe(302)
    await f.close()
    fake = await startFakeDingTalk([{ token: 'r' }], { clock, rateLimitErrcode: 410100 })
    for (let i = 0; i < 20; i++) await post(fake.webhook('r'), md())
    expect((await post(fake.webhook('r'), md())).json).toEqual({ errcode: 410100, errmsg: '发送速度太快而限流' })
  })

  it('shows a msgUuid once and does not count the repeat', async () => {
    const clock = manualClock()
    const f = await start([{ token: 'r' }], { clock })
    expect((await post(f.webhook('r'), md('a', { msgUuid: 'u-1' }))).json?.errcode).toBe(0)
    expect((await post(f.webhook('r'), md('a', { msgUuid: 'u-1' }))).json?.errcode).toBe(0)
    expect(f.shown('r')).toHaveLength(1)
    expect(f.records.filter((r) => r.duplicate)).toHaveLength(1)
    for (let i = 0; i < 19; i++) expect((await post(f.webhook('r'), md('b', { msgUuid: `v-${i}` }))).json?.errcode).toBe(0)
    expect((await post(f.webhook('r'), md('a', { msgUuid: 'u-1' }))).json?.errcode).toBe(0)
  })
})

describe('fake DingTalk: mentions resolve only where DingTalk resolves them', () => {
  const members = [{ mobile: '13800000000', userId: 'alice' }]
  it('markdown needs the @token in the text; text does not; outsiders are masked', async () => {
    const f = await start([{ token: 'm', members }])
    await post(f.webhook('m'), md('build failed', { at: { atMobiles: ['13800000000'], atUserIds: ['alice'] } }))
    await post(f.webhook('m'), md('build failed @13800000000 @alice', { at: { atMobiles: ['13800000000', '13912345678'], atUserIds: ['alice'] } }))
    await post(f.webhook('m'), { msgtype: 'text', text: { content: 'failed' }, at: { atMobiles: ['13800000000'] } })
    const [noToken, withToken, text] = f.shown('m')
    expect(noToken.mentions?.resolved).toEqual([])
    expect(noToken.mentions?.unresolved).toEqual(['mobile:13800000000', 'userId:alice'])
    expect(withToken.mentions).toEqual({ resolved: ['mobile:13800000000', 'userId:alice'], masked: ['139****5678'], unresolved: [] })
    expect(text.mentions?.resolved).toEqual(['mobile:13800000000'])
  })

  it('actionCard needs @所有人 for isAtAll; link never mentions', async () => {
    const f = await start([{ token: 'm', members }])
    const card = (text: string) => ({ msgtype: 'actionCard', actionCard: { title: 't', text, singleTitle: '查看详情', singleURL: 'https://a' }, at: { isAtAll: true } })
    await post(f.webhook('m'), card('all hands'))
    await post(f.webhook('m'), card('@所有人 all hands'))
    await post(f.webhook('m'), { msgtype: 'link', link: { title: 't', text: '@13800000000', messageUrl: 'https://a' }, at: { atMobiles: ['13800000000'] } })
    expect(f.shown('m').map((r) => r.mentions?.resolved)).toEqual([[], ['all'], []])
  })
})

describe('fake DingTalk: failure injection', () => {
  it('injects -1, HTTP 5xx and hangs, then recovers', async () => {
    const f = await start([{ token: 'r' }])
    f.inject({ kind: 'errcode', errcode: -1, errmsg: '系统繁忙' }, 1)
    f.inject({ kind: 'status', status: 503 }, 1)
    f.inject({ kind: 'hang' }, 1)
    expect((await post(f.webhook('r'), md())).json).toEqual({ errcode: -1, errmsg: '系统繁忙' })
    expect((await fetch(f.webhook('r'), { method: 'POST', body: '{}' })).status).toBe(503)
    await expect(fetch(f.webhook('r'), { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) })).rejects.toThrow()
    expect((await post(f.webhook('r'), md())).json?.errcode).toBe(0)
    expect(f.records.map((r) => r.injected ?? 'real')).toEqual(['errcode', 'status', 'hang', 'real'])
  })
})
