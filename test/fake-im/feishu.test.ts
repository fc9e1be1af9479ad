import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { feishuSign, startFakeFeishu, type FakeFeishu, type FeishuBot, type FeishuOptions } from './feishu.js'
import { manualClock } from './manual-clock.js'

let fake: FakeFeishu | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const start = async (bots: FeishuBot[], o: FeishuOptions = {}) => (fake = await startFakeFeishu(bots, o))

type Answer = { status: number; json: { code?: number; msg?: string; data?: unknown; StatusCode?: number } }
async function post(url: string, body: unknown): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Answer['json'] }
}
const code = async (url: string, body: unknown) => (await post(url, body)).json.code

const text = (t = 'hello', extra: Record<string, unknown> = {}) => ({ msg_type: 'text', content: { text: t }, ...extra })
const card = (c: unknown) => ({ msg_type: 'interactive', card: c })
const lark = (content: string) => card({ header: { title: { tag: 'plain_text', content: 'Build failed' } }, elements: [{ tag: 'div', text: { tag: 'lark_md', content } }] })

describe('fake Feishu: signature in the body', () => {
  it('computes the doc vector and the one with + and /', () => {
    expect(feishuSign('demo', '1599360473')).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=')
    expect(feishuSign('SEC000000000000000000000', '1599360473')).toBe('tZVM4ouDwq+2bRx/q1XWi581sbrH/l2hxBttPdp/a9A=')
  })

  it('accepts timestamp (seconds, string or number) and sign in the body; rejects missing, wrong, DingTalk-style, query-string and stale ones alike', async () => {
    const clock = manualClock(1599360473_000 + 5_000)
    const f = await start([{ token: 't', security: { secret: 'demo' } }], { clock })
    const sign = 'l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8='
    expect((await post(f.webhook('t'), text('a', { timestamp: '1599360473', sign }))).json).toEqual({ StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' })
    expect(await code(f.webhook('t'), text('a', { timestamp: 1599360473, sign }))).toBe(0)
    const fail = { code: 19021, data: {}, msg: 'sign match fail or timestamp is not within one hour from current time' }
    expect(await post(f.webhook('t'), text('a'))).toEqual({ status: 200, json: fail })
    expect((await post(f.webhook('t'), text('a', { timestamp: '1599360473', sign: sign.replace('l', 'L') }))).json).toEqual(fail)
    const dingStyle = createHmac('sha256', 'demo').update('1599360473000\ndemo').digest('base64')
    expect(await code(f.webhook('t'), text('a', { timestamp: '1599360473000', sign: dingStyle }))).toBe(19021)
    expect(await code(`${f.webhook('t')}?timestamp=1599360473&sign=${encodeURIComponent(sign)}`, text('a'))).toBe(19021)
    expect(await code(f.webhook('t'), text('a', { timestamp: '1599360473', sign: encodeURIComponent(sign) }))).toBe(19021)
    clock.advance(3_600_000) // now 3605 s after the timestamp
    expect((await post(f.webhook('t'), text('a', { timestamp: '1599360473', sign }))).json).toEqual(fail)
    expect(f.shown('t')).toHaveLength(2)
  })
})

describe('fake Feishu: token, body, IP', () => {
  it('answers an unknown token with 19001 whatever the body, a disabled bot with 19007, bad JSON with HTTP 400 9499', async () => {
    const f = await start([{ token: 'ok' }, { token: 'off', enabled: false }])
    expect(await post(f.webhook('nope'), '{oops')).toEqual({ status: 200, json: { code: 19001, data: {}, msg: 'param invalid: incoming webhook access token invalid' } })
    expect((await post(f.webhook('off'), text())).json).toEqual({ code: 19007, data: {}, msg: 'Bot Not Enabled' })
    expect(await post(f.webhook('ok'), '{"msg_type": "text", ')).toEqual({ status: 400, json: { code: 9499, data: {}, msg: 'Bad Request' } })
    expect(f.shown()).toEqual([])
  })

  it('limits the whole body to 20 KB in UTF-8 bytes (HTTP 400 9499), or answers 19036 when asked', async () => {
    const f = await start([{ token: 'ok' }])
    const overhead = Buffer.byteLength(JSON.stringify(text('')))
    const fits = '构'.repeat(Math.floor((20_480 - overhead) / 3))
    const pad = 'x'.repeat(20_480 - overhead - Buffer.byteLength(fits))
    expect(await code(f.webhook('ok'), text(fits + pad))).toBe(0)
    expect(await post(f.webhook('ok'), text(fits + pad + 'x'))).toEqual({ status: 400, json: { code: 9499, data: {}, msg: 'Bad Request' } })
    await f.close()
    const g = (fake = await startFakeFeishu([{ token: 'ok' }], { maxBytes: 30_720, oversize: '19036' }))
    expect(await code(g.webhook('ok'), text(fits + pad + 'x'))).toBe(0)
    expect(await post(g.webhook('ok'), text('x'.repeat(30_720)))).toEqual({ status: 200, json: { code: 19036, data: {}, msg: 'The message exceeds the size limit of 30KB' } })
  })

  it('checks the IP allowlist, wildcard and CIDR forms', async () => {
    const f = await start([
      { token: 'star', security: { ipAllow: ['127.0.0.*'] } },
      { token: 'cidr', security: { ipAllow: ['127.0.0.0/24'] } },
      { token: 'no', security: { ipAllow: ['10.1.1.*', '192.168.0.0/16'] } },
    ])
    expect(await code(f.webhook('star'), text())).toBe(0)
    expect(await code(f.webhook('cidr'), text())).toBe(0)
    expect((await post(f.webhook('no'), text())).json).toEqual({ code: 19022, data: {}, msg: 'Ip Not Allowed' })
  })
})

describe('fake Feishu: shapes per msg_type', () => {
  it('needs msg_type and the content its type reads', async () => {
    const f = await start([{ token: 'ok', chatId: 'oc_own' }])
    const u = f.webhook('ok')
    expect((await post(u, { content: { text: 'x' } })).json).toEqual({ code: 19002, data: {}, msg: 'params error, msg_type need' })
    expect((await post(u, { msg_type: 'markdown', content: { text: 'x' } })).json.code).toBe(19002)
    expect(await post(u, { msg_type: 'text', content: { content: 'x' } })).toEqual({ status: 400, json: { code: 9499, data: {}, msg: 'Bad Request: fail to parse content' } })
    expect(await code(u, { msg_type: 'text', text: { content: 'DingTalk shape' } })).toBe(9499)
    expect(await code(u, { msg_type: 'image', content: { image_key: 'img_v2_1' } })).toBe(0)
    expect(await code(u, { msg_type: 'share_chat', content: { share_chat_id: 'oc_other' } })).toBe(9499)
    expect(await code(u, { msg_type: 'share_chat', content: { share_chat_id: 'oc_own' } })).toBe(0)
  })

  it('reads a post as locales of paragraphs of nodes; a bad link fails the send', async () => {
    const f = await start([{ token: 'ok' }])
    const p = (post: unknown) => code(f.webhook('ok'), { msg_type: 'post', content: { post } })
    const node = (n: Record<string, unknown>) => ({ zh_cn: { title: '构建失败', content: [[{ tag: 'text', text: 'main: ' }, n]] } })
    expect(await p(node({ tag: 'a', text: '日志', href: 'https://ci.example/42' }))).toBe(0)
    expect(await p({ en_us: { content: [[{ tag: 'text', text: 'x' }]] } })).toBe(0)
    expect(await p(node({ tag: 'a', text: '日志', href: 'ci.example/42' }))).toBe(9499)
    expect(await p(node({ tag: 'at', user_name: 'Tom' }))).toBe(9499)
    expect(await p({ zh_cn: { title: 't', content: [{ tag: 'text', text: 'not a paragraph' }] } })).toBe(9499)
    expect(await p({ de_de: { content: [[{ tag: 'text', text: 'x' }]] } })).toBe(9499)
  })

  it('reads a card from `card`, not `content`; 1.0 ignores unknown keys, 2.0 rejects them and needs body.elements', async () => {
    const f = await start([{ token: 'ok' }])
    const u = f.webhook('ok')
    expect((await post(u, { msg_type: 'interactive', content: { text: 'x' } })).json).toEqual({ code: 11246, data: {}, msg: 'params error, unknown card value' })
    expect(await code(u, card({}))).toBe(0)
    expect(await code(u, card({ elements: [], whatever: 1, fallback: {} }))).toBe(0)
    const v2 = { schema: '2.0', header: { title: { tag: 'plain_text', content: 'Build failed' } }, body: { elements: [{ tag: 'markdown', content: '**main** #42' }] } }
    expect(await code(u, card(v2))).toBe(0)
    expect((await post(u, card({ ...v2, elements: [] }))).json).toEqual({ code: 11246, data: {}, msg: 'card json is invalid' })
    expect(await code(u, card({ ...v2, i18n_elements: {} }))).toBe(11246)
    expect(await code(u, card({ schema: '2.0', header: v2.header }))).toBe(11246)
    expect(await code(u, card({ schema: '3.0', body: { elements: [] } }))).toBe(11246)
  })
})

describe('fake Feishu: keywords', () => {
  it('finds a keyword in text, title or card content, never in an href', async () => {
    const f = await start([{ token: 'k', security: { keywords: ['CI'] } }])
    const u = f.webhook('k')
    expect((await post(u, text('build failed'))).json).toEqual({ code: 19024, data: {}, msg: 'Key Words Not Found' })
    expect(await code(u, { msg_type: 'post', content: { post: { zh_cn: { content: [[{ tag: 'a', text: 'log', href: 'https://CI.example' }]] } } } })).toBe(19024)
    expect(await code(u, { msg_type: 'post', content: { post: { zh_cn: { title: '[CI] main', content: [[{ tag: 'text', text: 'x' }]] } } } })).toBe(0)
    expect(await code(u, lark('nothing'))).toBe(19024)
    expect(await code(u, lark('[CI] main #42'))).toBe(0)
    expect(f.shown('k').map((r) => r.visible)).toEqual(['[CI] main\nx', 'Build failed\n[CI] main #42'])
  })
})

describe('fake Feishu: rate limits', () => {
  it('takes 5 in any second, then answers 11232 with HTTP 200 until the second has rolled', async () => {
    const clock = manualClock()
    const f = await start([{ token: 'r' }, { token: 'other' }], { clock })
    for (let i = 0; i < 5; i++) expect(await code(f.webhook('r'), text(`m${i}`))).toBe(0)
    expect(await post(f.webhook('r'), text('6th'))).toEqual({ status: 200, json: { code: 11232, data: {}, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]' } })
    expect(await code(f.webhook('other'), text())).toBe(0) // per bot
    clock.advance(999)
    expect(await code(f.webhook('r'), text())).toBe(11232)
    clock.advance(1)
    expect(await code(f.webhook('r'), text())).toBe(0)
    expect(f.shown('r')).toHaveLength(6)
  })

  it('takes 100 in any minute; can answer HTTP 400 9499 "too many request" instead', async () => {
    const clock = manualClock()
    const f = await start([{ token: 'r' }], { clock, throttle: '9499' })
    for (let i = 0; i < 100; i++) {
      expect(await code(f.webhook('r'), text(`m${i}`))).toBe(0)
      clock.advance(500)
    }
    expect(await post(f.webhook('r'), text('101st'))).toEqual({ status: 400, json: { code: 9499, data: {}, msg: 'too many request' } })
    clock.advance(9_999) // the first send is 59.999 s old
    expect(await code(f.webhook('r'), text())).toBe(9499)
    clock.advance(1)
    expect(await code(f.webhook('r'), text())).toBe(0)
  })

  it('answers 11232 in the first seconds of :00 and :30 when asked to', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 29, 2, 0, 3))
    const f = await start([{ token: 'r' }], { clock, peakBusyMs: 10_000 })
    expect(await code(f.webhook('r'), text())).toBe(11232)
    clock.set(Date.UTC(2026, 10, 29, 2, 0, 10))
    expect(await code(f.webhook('r'), text())).toBe(0)
    clock.set(Date.UTC(2026, 10, 29, 2, 30, 9))
    expect(await code(f.webhook('r'), text())).toBe(11232)
    clock.set(Date.UTC(2026, 10, 29, 2, 15, 0))
    expect(await code(f.webhook('r'), text())).toBe(0)
  })
})

describe('fake Feishu: replies', () => {
  it('answers success in today’s, the legacy-only or the code-only shape', async () => {
    for (const [success, json] of [
      ['legacy', { Extra: null, StatusCode: 0, StatusMessage: 'success' }],
      ['code', { code: 0, data: {}, msg: 'success' }],
    ] as const) {
      const f = await start([{ token: 'ok' }], { success })
      expect(await post(f.webhook('ok'), text())).toEqual({ status: 200, json })
      await f.close()
      fake = undefined
    }
  })
})

describe('fake Feishu: mentions', () => {
  const members = [{ openId: 'ou_tom', name: 'Tom' }, { userId: 'u_ann', name: 'Ann' }]

  it('text and post: a member is notified, an outsider shown by name only, all only where the group allows it', async () => {
    const f = await start([{ token: 'm', members }, { token: 'quiet', members, atAll: false }])
    await post(f.webhook('m'), text('<at user_id="ou_tom">Tom</at> <at user_id="ou_stranger">Bob</at> <at user_id="all">所有人</at> failed'))
    await post(f.webhook('quiet'), text('<at user_id="all">所有人</at> failed'))
    const node = (user_id: string, user_name: string) => ({ tag: 'at', user_id, user_name })
    await post(f.webhook('m'), { msg_type: 'post', content: { post: { zh_cn: { title: '构建失败', content: [[{ tag: 'text', text: '<at user_id="all"></at> ' }, node('u_ann', 'Ann'), node('ou_x', 'X')]] } } } })
    const [t, quiet, p] = f.shown()
    expect(t.mentions).toEqual({ resolved: ['ou_tom', 'all'], unresolved: ['ou_stranger'] })
    expect(t.visible).toBe('@Tom @Bob @所有人 failed')
    expect(quiet.mentions).toEqual({ resolved: [], unresolved: ['all'] })
    // A text node is literal: its `<at>` notifies nobody.
    expect(p.mentions).toEqual({ resolved: ['u_ann'], unresolved: ['ou_x'] })
    expect(p.visible).toBe('构建失败\n<at user_id="all"></at> @Ann@X')
  })

  it('cards: id, ids and all resolve; one outsider or an email rejects the whole card with 11246 (ErrCode 100290)', async () => {
    const f = await start([{ token: 'm', members }])
    const u = f.webhook('m')
    expect(await code(u, lark('**main** <at id=ou_tom></at> <at ids=ou_tom,u_ann></at> <at id=all></at>'))).toBe(0)
    expect(f.shown('m')[0].mentions).toEqual({ resolved: ['ou_tom', 'u_ann', 'all'], unresolved: [] })
    expect(f.shown('m')[0].visible).toBe('Build failed\n**main** @Tom @Tom @Ann @所有人')
    const bad = await post(u, lark('<at id=ou_stranger></at>'))
    expect(bad.json.code).toBe(11246)
    expect(bad.json.msg).toMatch(/^ErrCode: 100290; ErrMsg: there is an invalid user resource \(at\/person\) in your card/)
    expect(await code(u, lark('<at ids=ou_tom,ou_stranger></at>'))).toBe(11246)
    expect(await code(u, lark('<at email=tom@example.com></at>'))).toBe(11246)
    expect(await code(u, lark('<at email=ou_tom></at>'))).toBe(11246) // by email never, whatever the value
    // Entity-escaped, it is text: no mention, no rejection.
    expect(await code(u, lark('&lt;at id=ou_stranger&gt;&lt;/at&gt;'))).toBe(0)
    expect(f.shown('m')[1].mentions).toEqual({ resolved: [], unresolved: [] })
    // A plain_text tag is not markdown: an `<at>` there is shown as written.
    expect(await code(u, card({ elements: [{ tag: 'div', text: { tag: 'plain_text', content: '<at id=ou_stranger></at>' } }] }))).toBe(0)
  })
})

describe('fake Feishu: failure injection', () => {
  it('injects codes in Feishu’s shape with their HTTP status, 5xx with a Retry-After, hangs; records them', async () => {
    const f = await start([{ token: 'r' }])
    f.inject({ kind: 'errcode', errcode: 9499, errmsg: 'too many request', status: 400 }, 1)
    f.inject({ kind: 'errcode', errcode: 2200, errmsg: 'internal error' }, 1)
    f.inject({ kind: 'status', status: 503, body: 'upstream busy', headers: { 'retry-after': '7' } }, 1)
    f.inject({ kind: 'hang' }, 1)
    expect(await post(f.webhook('r'), text())).toEqual({ status: 400, json: { code: 9499, data: {}, msg: 'too many request' } })
    expect(await post(f.webhook('r'), text())).toEqual({ status: 200, json: { code: 2200, data: {}, msg: 'internal error' } })
    const busy = await fetch(f.webhook('r'), { method: 'POST', body: '{}' })
    expect([busy.status, busy.headers.get('retry-after'), await busy.text()]).toEqual([503, '7', 'upstream busy'])
    await expect(fetch(f.webhook('r'), { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) })).rejects.toThrow()
    expect(await code(f.webhook('r'), text())).toBe(0)
    expect(f.records.map((r) => [r.injected ?? 'real', r.http, r.code])).toEqual([
      ['errcode', 400, 9499],
      ['errcode', 200, 2200],
      ['status', 503, undefined],
      ['hang', 200, undefined],
      ['real', 200, 0],
    ])
  })
})
