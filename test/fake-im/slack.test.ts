import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from './manual-clock.js'
import { startFakeSlack, type FakeSlack, type SlackHook, type SlackOptions } from './slack.js'

let fake: FakeSlack | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const start = async (hooks: SlackHook[], o: SlackOptions = {}) => (fake = await startFakeSlack(hooks, o))

async function post(url: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') }
}
const answer = async (url: string, body: unknown) => {
  const r = await post(url, body)
  return [r.status, r.body]
}
const section = (text: string, type = 'mrkdwn') => ({ type: 'section', text: { type, text } })

describe('fake Slack: the URL is the credential', () => {
  it('answers an unknown hook 404 no_service and each dead hook or channel its own error', async () => {
    const states = ['revoked', 'channel_missing', 'channel_archived', 'prohibited', 'team_disabled', 'no_active_hooks'] as const
    const f = await start([{ secret: 'ok', team: 'T1', bot: 'B1' }, ...states.map((state) => ({ secret: state, state }))])
    expect(await answer(f.webhook('ok'), { text: 'hi' })).toEqual([200, 'ok'])
    expect(await answer(f.webhook('nope'), { text: 'hi' })).toEqual([404, 'no_service'])
    expect(await answer(f.webhook('ok').replace('/T1/', '/T2/'), { text: 'hi' })).toEqual([404, 'no_service'])
    const got = []
    for (const s of states) got.push(await answer(f.webhook(s), { text: 'hi' }))
    expect(got).toEqual([
      [403, 'invalid_token'],
      [404, 'channel_not_found'],
      [410, 'channel_is_archived'],
      [403, 'action_prohibited'],
      [403, 'team_disabled'],
      [410, 'no_active_hooks'],
    ])
    expect(f.shown()).toHaveLength(1)
  })
})

describe('fake Slack: payload', () => {
  it('needs JSON; a form body only with formPayload and a payload field', async () => {
    const f = await start([{ secret: 'ok' }])
    expect(await answer(f.webhook('ok'), '{"text": ')).toEqual([400, 'invalid_payload'])
    expect(await answer(f.webhook('ok'), '["text"]')).toEqual([400, 'invalid_payload'])
    const form = `payload=${encodeURIComponent(JSON.stringify({ text: 'hi' }))}`
    expect((await post(f.webhook('ok'), form, 'application/x-www-form-urlencoded')).body).toBe('invalid_payload')
    await f.close()
    const g = (fake = await startFakeSlack([{ secret: 'ok' }], { formPayload: true }))
    expect((await post(g.webhook('ok'), form, 'application/x-www-form-urlencoded')).body).toBe('ok')
    expect((await post(g.webhook('ok'), 'text=hi', 'application/x-www-form-urlencoded')).body).toBe('invalid_payload')
  })

  it('needs text, blocks or attachments; blocks alone are enough', async () => {
    const f = await start([{ secret: 'ok' }])
    expect(await answer(f.webhook('ok'), {})).toEqual([400, 'no_text'])
    expect(await answer(f.webhook('ok'), { text: '', blocks: [] })).toEqual([400, 'no_text'])
    expect(await answer(f.webhook('ok'), { blocks: [section('*main* failed')] })).toEqual([200, 'ok'])
    expect(await answer(f.webhook('ok'), { attachments: [{ fallback: 'x', text: 'failed', color: 'danger' }] })).toEqual([200, 'ok'])
  })

  it('limits blocks in characters: 50 blocks, 3,000 per section, 10 fields of 2,000, a plain_text header of 150', async () => {
    const f = await start([{ secret: 'ok' }], { burst: 100 })
    const blocks = async (b: unknown) => (await post(f.webhook('ok'), { text: 'fallback', blocks: b })).body
    expect(await blocks(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toBe('ok')
    expect(await blocks(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toBe('invalid_blocks')
    expect(await blocks([section('😀'.repeat(3000))])).toBe('ok') // 3,000 characters, 6,000 UTF-16 units
    expect(await blocks([section('x'.repeat(3001))])).toBe('invalid_blocks')
    const field = (n: number) => ({ type: 'mrkdwn', text: 'f'.repeat(n) })
    expect(await blocks([{ type: 'section', fields: Array.from({ length: 10 }, () => field(2000)) }])).toBe('ok')
    expect(await blocks([{ type: 'section', fields: Array.from({ length: 11 }, () => field(1)) }])).toBe('invalid_blocks')
    expect(await blocks([{ type: 'section', fields: [field(2001)] }])).toBe('invalid_blocks')
    expect(await blocks([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }])).toBe('ok')
    expect(await blocks([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toBe('invalid_blocks')
    expect(await blocks([{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }])).toBe('invalid_blocks')
    expect(await blocks([{ type: 'section' }])).toBe('invalid_blocks')
    expect(await blocks([section('')])).toBe('invalid_blocks')
    expect(await blocks([{ type: 'table', rows: [] }])).toBe('invalid_blocks')
    expect(await blocks({ type: 'divider' })).toBe('invalid_blocks')
  })

  it('cuts a top-level text over 40,000 characters instead of rejecting it; ignores channel and username unless legacy', async () => {
    const f = await start([{ secret: 'ok' }, { secret: 'old', legacy: true }])
    expect(await answer(f.webhook('ok'), { text: '构'.repeat(40_001), channel: '#general', username: 'ci' })).toEqual([200, 'ok'])
    expect(await answer(f.webhook('old'), { text: 'hi', channel: '#general' })).toEqual([200, 'ok'])
    const [long, old] = f.shown()
    expect([long.truncated, long.visible?.length, long.ignored]).toEqual([true, 40_000, ['channel', 'username']])
    expect([old.truncated, old.ignored]).toEqual([false, []])
  })
})

describe('fake Slack: rate limit', () => {
  it('lets a burst through, then answers 429 with Retry-After and the counts; refills 1 a second', async () => {
    const clock = manualClock()
    const f = await start([{ secret: 'r' }, { secret: 'other' }], { clock, burst: 3 })
    for (let i = 0; i < 3; i++) expect((await post(f.webhook('r'), { text: `m${i}` })).body).toBe('ok')
    const limited = await post(f.webhook('r'), { text: 'm3' })
    expect([limited.status, limited.retryAfter, JSON.parse(limited.body)]).toEqual([429, '1', { ok: false, count_hour_ago: 4, count_minute_ago: 4, count_second_ago: 4 }])
    expect((await post(f.webhook('other'), { text: 'x' })).body).toBe('ok') // per hook
    clock.advance(999)
    expect((await post(f.webhook('r'), { text: 'm3' })).status).toBe(429) // a refused call takes no token
    clock.advance(1)
    expect((await post(f.webhook('r'), { text: 'm3' })).body).toBe('ok')
    expect((await post(f.webhook('r'), { text: 'm4' })).status).toBe(429)
    clock.advance(3000)
    for (let i = 0; i < 3; i++) expect((await post(f.webhook('r'), { text: `n${i}` })).body).toBe('ok')
    expect(f.shown('r').map((r) => r.visible)).toEqual(['m0', 'm1', 'm2', 'm3', 'n0', 'n1', 'n2'])
  })

  it('disables a flooded hook: no_service from then on', async () => {
    const clock = manualClock()
    const f = await start([{ secret: 'r' }], { clock, burst: 1000, autoDisable: { messages: 10, windowMs: 60_000 } })
    for (let i = 0; i < 10; i++) expect((await post(f.webhook('r'), { text: 'x' })).body).toBe('ok')
    expect(await answer(f.webhook('r'), { text: 'x' })).toEqual([404, 'no_service'])
    clock.advance(3_600_000)
    expect(await answer(f.webhook('r'), { text: 'x' })).toEqual([404, 'no_service'])
    expect(f.disabled('r')).toBe(true)
  })
})

describe('fake Slack: mentions', () => {
  const members = [{ id: 'U012AB3CD', name: 'ann' }]
  it('counts <@U…>, <!here>, <!channel|…>, <!subteam^…> in live markup; not entity-escaped ones, nor plain_text', async () => {
    const f = await start([{ secret: 'm', members, subteams: ['S1'] }])
    await post(f.webhook('m'), { text: 'cc <@U012AB3CD> <@U999> <!here> <!channel|channel> <!subteam^S1|ops> <!subteam^S9> &lt;!everyone&gt; <https://ci.example/42|log> a &amp; b' })
    const [t] = f.shown('m')
    expect(t.mentions).toEqual({ resolved: ['U012AB3CD', 'here', 'channel', 'subteam:S1'], unresolved: ['U999', 'subteam:S9'] })
    expect(t.visible).toBe('cc @ann @U999 @here @channel @ops @S9 <!everyone> log a & b')
    await post(f.webhook('m'), { text: '<!channel> in the fallback', blocks: [section('<@U012AB3CD>', 'plain_text'), section('fix by &lt;@U012AB3CD&gt;')] })
    expect(f.shown('m')[1].mentions).toEqual({ resolved: [], unresolved: [] })
    expect(f.shown('m')[1].visible).toBe('<@U012AB3CD>\nfix by <@U012AB3CD>')
  })

  it('reads rich_text user and broadcast elements, and legacy attachments’ text', async () => {
    const f = await start([{ secret: 'm', members }])
    const rich = { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U012AB3CD' }, { type: 'text', text: ' <!here> ' }, { type: 'broadcast', range: 'channel' }] }] }
    await post(f.webhook('m'), { blocks: [rich] })
    await post(f.webhook('m'), { attachments: [{ title: '<!here>', text: 'cc <@U012AB3CD>' }] })
    expect(f.shown('m').map((r) => r.mentions?.resolved)).toEqual([['U012AB3CD', 'channel'], ['U012AB3CD']])
    expect(f.shown('m')[0].visible).toBe('@ann <!here> @channel')
  })
})

describe('fake Slack: failure injection', () => {
  it('injects 500 rollup_error, a 429 with Retry-After, a string error and a reset; records them', async () => {
    const f = await start([{ secret: 'r' }])
    f.inject({ kind: 'status', status: 500, body: 'rollup_error' }, 1)
    f.inject({ kind: 'status', status: 429, body: '{"ok":false}', contentType: 'application/json', headers: { 'retry-after': '30' } }, 1)
    f.inject({ kind: 'errcode', errcode: 0, errmsg: 'channel_is_archived', status: 410 }, 1)
    f.inject({ kind: 'reset' }, 1)
    expect(await answer(f.webhook('r'), { text: 'x' })).toEqual([500, 'rollup_error'])
    const limited = await post(f.webhook('r'), { text: 'x' })
    expect([limited.status, limited.retryAfter]).toEqual([429, '30'])
    expect(await answer(f.webhook('r'), { text: 'x' })).toEqual([410, 'channel_is_archived'])
    await expect(post(f.webhook('r'), { text: 'x' })).rejects.toThrow()
    expect(await answer(f.webhook('r'), { text: 'x' })).toEqual([200, 'ok'])
    expect(f.records.map((r) => [r.injected ?? 'real', r.http, r.retryAfter])).toEqual([
      ['status', 500, undefined],
      ['status', 429, '30'],
      ['errcode', 410, undefined],
      ['reset', 200, undefined],
      ['real', 200, undefined],
    ])
  })
})
