import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from './manual-clock.js'
import { startFakeWeCom, type FakeWeCom, type WeComRobot } from './wecom.js'

let fake: FakeWeCom | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const start = async (robots: WeComRobot[], o = {}) => (fake = await startFakeWeCom(robots, o))

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as { errcode: number; errmsg: string } }
}

describe('fake WeCom group robot', () => {
  it('answers bad key, bad JSON, unknown msgtype with HTTP 200 and a hinted errmsg', async () => {
    const f = await start([{ key: 'k' }])
    const bad = await post(f.webhook('nope'), { msgtype: 'text', text: { content: 'x' } })
    expect(bad.status).toBe(200)
    expect(bad.json.errcode).toBe(93000)
    expect(bad.json.errmsg).toMatch(/^invalid webhook url, hint: \[\d+\], from ip: 127\.0\.0\.1, more info at https:\/\/open\.work\.weixin\.qq\.com\/devtool\/query\?e=93000$/)
    expect((await post(f.webhook('k'), '{oops')).json.errcode).toBe(40035)
    expect((await post(f.webhook('k'), { msgtype: 'actionCard' })).json.errcode).toBe(40008)
    expect((await post(f.webhook('k'), { msgtype: 'text', text: { content: '' } })).json.errcode).toBe(44004)
  })

  it('limits text to 2048 and markdown to 4096 UTF-8 bytes (a CJK character is 3)', async () => {
    const f = await start([{ key: 'k' }, { key: 'loose', textLimitMode: 'observed5120' }])
    const text = (content: string, key = 'k') => post(f.webhook(key), { msgtype: 'text', text: { content } })
    expect((await text('构'.repeat(682) + 'ab')).json.errcode).toBe(0) // 2046 + 2 bytes
    const over = await text('构'.repeat(683)) // 2049 bytes, 683 characters
    expect(over.json.errcode).toBe(40058)
    expect(over.json.errmsg).toMatch(/^text\.content exceed max length 2048\. invalid Request Parameter/)
    expect((await text('构'.repeat(683), 'loose')).json.errcode).toBe(0)
    const markdown = (content: string) => post(f.webhook('k'), { msgtype: 'markdown', markdown: { content } })
    expect((await markdown('x'.repeat(4096))).json.errcode).toBe(0)
    expect((await markdown('构'.repeat(1365) + 'x')).json.errcode).toBe(0)
    expect((await markdown('构'.repeat(1366))).json.errmsg).toMatch(/^markdown\.content exceed max length 4096/)
  })

  it('resolves list mentions in text only, <@userid> in text and markdown', async () => {
    const f = await start([{ key: 'k', members: [{ userid: 'wangqing', mobile: '13800001111' }, { userid: 'lisi' }] }])
    await post(f.webhook('k'), { msgtype: 'markdown', markdown: { content: '失败 <@lisi>', mentioned_mobile_list: ['13800001111'], mentioned_list: ['@all'] } })
    await post(f.webhook('k'), { msgtype: 'text', text: { content: '失败', mentioned_mobile_list: ['13800001111', '@all'] } })
    await post(f.webhook('k'), { msgtype: 'markdown_v2', markdown_v2: { content: '<@lisi>' } })
    expect(f.shown('k').map((r) => r.mentions)).toEqual([['lisi'], ['wangqing', '@all'], []])
  })

  it('answers 45009 past 20 a minute and lets the window roll (no lockout)', async () => {
    const clock = manualClock()
    const f = await start([{ key: 'k' }], { clock })
    const send = () => post(f.webhook('k'), { msgtype: 'text', text: { content: 'x' } })
    for (let i = 0; i < 20; i++) {
      expect((await send()).json.errcode).toBe(0)
      clock.advance(500)
    }
    expect((await send()).json.errmsg).toMatch(/^api freq out of limit, hint/)
    clock.advance(50_000) // the first send is now 60 s old
    expect((await send()).json.errcode).toBe(0)
    expect((await send()).json.errcode).toBe(45009)
  })

  it('checks news, image and template_card shapes', async () => {
    const f = await start([{ key: 'k' }])
    const code = async (b: unknown) => (await post(f.webhook('k'), b)).json.errcode
    expect(await code({ msgtype: 'news', news: { articles: [] } })).toBe(40058)
    expect(await code({ msgtype: 'news', news: { articles: [{ title: 't', url: 'https://a' }] } })).toBe(0)
    expect(await code({ msgtype: 'image', image: { base64: Buffer.from('not an image').toString('base64'), md5: 'x' } })).toBe(40058)
    expect(await code({ msgtype: 'file', file: { media_id: 'nope' } })).toBe(40058)
    expect(await code({ msgtype: 'template_card', template_card: { card_type: 'text_notice', main_title: { title: '构建失败' } } })).toBe(0)
    expect(await code({ msgtype: 'template_card', template_card: { card_type: 'other' } })).toBe(40058)
  })

  it('injects a failure only into the requests `when` picks; the others pass through', async () => {
    const f = await start([{ key: 'k' }])
    f.inject({ kind: 'errcode', errcode: -1, errmsg: 'system busy' }, 1, { when: (c) => JSON.parse(c.body).msgtype === 'text' })
    expect((await post(f.webhook('k'), { msgtype: 'markdown', markdown: { content: 'm' } })).json.errcode).toBe(0)
    expect((await post(f.webhook('k'), { msgtype: 'text', text: { content: 't' } })).json.errcode).toBe(-1)
    expect((await post(f.webhook('k'), { msgtype: 'text', text: { content: 't' } })).json.errcode).toBe(0)
    expect(f.records.map((r) => [(JSON.parse(r.body) as { msgtype: string }).msgtype, r.injected ?? 'real'])).toEqual([
      ['markdown', 'real'],
      ['text', 'errcode'],
      ['text', 'real'],
    ])
  })
})
