import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from './manual-clock.js'
import { startFakeTeams, type FakeTeams, type TeamsFlow, type TeamsOptions } from './teams.js'

let fake: FakeTeams | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const start = async (flows: TeamsFlow[], o: TeamsOptions = {}) => (fake = await startFakeTeams(flows, o))

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text, json: res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as { error?: { code: string; message: string } }) : undefined, retryAfter: res.headers.get('retry-after') }
}
const errorCode = async (url: string, body: unknown, headers?: Record<string, string>) => {
  const r = await post(url, body, headers)
  return [r.status, r.json?.error?.code]
}

type Card = Record<string, unknown>
const envelope = (content: Card, extra: Record<string, unknown> = {}) => ({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }], ...extra })
const adaptive = (body: unknown[], extra: Card = {}): Card => ({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body, ...extra })
const block = (text: string) => ({ type: 'TextBlock', text, wrap: true })
const message = (text = 'Build #42 failed') => envelope(adaptive([block(text)]))

describe('fake Teams: the trigger URL and who may call it', () => {
  it('answers 404 for an unknown or deleted flow, 401 for a missing or wrong sig, 409 for a flow turned off', async () => {
    const f = await start([{ id: 'ok', sig: 's3cret' }, { id: 'gone', sig: 's', state: 'deleted' }, { id: 'off', sig: 's', state: 'off' }])
    expect(await post(f.webhook('ok'), message())).toMatchObject({ status: 202, body: '' })
    expect(await errorCode(f.webhook('ok').replace('/ok/', '/nope/'), message())).toEqual([404, 'WorkflowNotFound'])
    expect(await errorCode(f.webhook('gone'), message())).toEqual([404, 'WorkflowNotFound'])
    expect(await errorCode(f.webhook('ok').replace(/&sig=.*$/, ''), message())).toEqual([401, 'AuthorizationFailed'])
    expect(await errorCode(f.webhook('ok').replace('sig=s3cret', 'sig=guess'), message())).toEqual([401, 'DirectApiInvalidAuthorizationSignature'])
    expect(await errorCode(f.webhook('off'), message())).toEqual([409, 'WorkflowDisabled'])
    // The Power Platform form of the same URL.
    const pp = f.webhook('ok').replace('/workflows/', '/powerautomate/automations/direct/workflows/')
    expect((await post(pp, message())).status).toBe(202)
    expect(f.runs().map((r) => r.status)).toEqual(['Succeeded', 'Succeeded'])
  })

  it('takes only a bearer token on a tenant-only trigger, and never two schemes at once', async () => {
    const f = await start([{ id: 't', sig: '', auth: 'tenant' }, { id: 'a', sig: 's' }])
    expect(await errorCode(f.webhook('t'), message())).toEqual([401, 'DirectApiAuthorizationRequired'])
    expect((await post(f.webhook('t'), message(), { authorization: 'Bearer eyJ0' })).status).toBe(202)
    expect(await errorCode(f.webhook('a'), message(), { authorization: 'Bearer eyJ0' })).toEqual([400, 'DirectApiRequestHasMoreThanOneAuthorization'])
  })
})

describe('fake Teams: the trigger answers 202, the run decides', () => {
  it('rejects a body that is not JSON or breaks the trigger schema with 400 TriggerInputSchemaMismatch', async () => {
    const schema = { type: 'object', properties: { type: { type: 'string' }, attachments: { type: 'array', items: { type: 'object', properties: { contentUrl: { type: 'string' } } } } } }
    const f = await start([{ id: 'f', sig: 's' }, { id: 'typed', sig: 's', schema }])
    expect(await errorCode(f.webhook('f'), '{"type": ')).toEqual([400, 'TriggerInputSchemaMismatch'])
    expect(await errorCode(f.webhook('f'), '"text"')).toEqual([400, 'TriggerInputSchemaMismatch'])
    const r = await post(f.webhook('typed'), message()) // contentUrl: null where a string is declared
    expect([r.status, r.json?.error?.code]).toEqual([400, 'TriggerInputSchemaMismatch'])
    expect(r.json?.error?.message).toContain("Expected string but got Null. Path 'body.attachments[0].contentUrl'")
    expect((await post(f.webhook('f'), message())).status).toBe(202)
    expect(f.runs()).toHaveLength(1)
  })

  it('accepts with 202 what the run then fails: no envelope, no attachments, a wrong contentType, version above 1.4, Action.Submit', async () => {
    const f = await start([{ id: 'f', sig: 's' }], { windows: [] })
    const bad = [
      adaptive([block('a bare card')]),
      { text: 'plain text' },
      { type: 'message', attachments: [] },
      { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: adaptive([block('x')]) }] },
      envelope({ ...adaptive([block('x')]), type: 'Card' }),
      envelope(adaptive([block('x')], { version: '1.5' })),
      envelope(adaptive([block('x')], { version: undefined })),
      envelope(adaptive([block('x')], { actions: [{ type: 'Action.Submit', title: 'Retry' }] })),
      { '@type': 'MessageCard', '@context': 'https://schema.org/extensions', title: 'Build failed', text: 'main' },
    ]
    for (const b of bad) expect((await post(f.webhook('f'), b)).status).toBe(202)
    expect(f.runs().map((r) => r.status)).toEqual(Array(bad.length).fill('Failed'))
    expect(f.runs().map((r) => r.error)).toEqual([
      "The message type 'AdaptiveCard' is not supported: expected 'message'.",
      "The message type 'undefined' is not supported: expected 'message'.",
      "The 'attachments' property is missing or empty: nothing to post.",
      "attachments[0].contentType must be 'application/vnd.microsoft.card.adaptive'.",
      'attachments[0].content is not an AdaptiveCard.',
      'Adaptive Card version 1.5 is not supported (at most 1.4).',
      'attachments[0].content.version is missing or malformed.',
      'Action.Submit is not supported in cards posted by a webhook.',
      'MessageCard is not supported: send a message with an Adaptive Card attachment.',
    ])
    expect(f.shown()).toEqual([])
    expect((await post(f.webhook('f'), envelope(adaptive([block('ok')], { actions: [{ type: 'Action.OpenUrl', title: 'Log', url: 'https://ci.example/42' }] })))).status).toBe(202)
    expect(f.shown().map((r) => r.visible)).toEqual(['ok'])
  })

  it('fails the run of a card that lacks what the Adaptive Cards schema requires (text, facts, an OpenUrl url)', async () => {
    const f = await start([{ id: 'f', sig: 's' }], { windows: [] })
    const bad = [
      adaptive([{ type: 'TextBlock', wrap: true }]),
      adaptive([{ type: 'FactSet', facts: [{ title: 'Build', value: 42 }] }]),
      adaptive([{ type: 'Container', items: [block('ok'), { type: 'TextBlock', text: null }] }]),
      adaptive([block('x')], { actions: [{ type: 'Action.OpenUrl', title: 'Log', url: '/jobs/42' }] }),
    ]
    for (const b of bad) expect((await post(f.webhook('f'), envelope(b))).status).toBe(202)
    expect(f.runs().map((r) => r.error)).toEqual([
      'The card is not valid: attachments[0].content.body[0]: TextBlock.text must be a string.',
      'The card is not valid: attachments[0].content.body[0].facts[0]: title and value must be strings.',
      'The card is not valid: attachments[0].content.body[0].items[1]: TextBlock.text must be a string.',
      'The card is not valid: attachments[0].content.actions[0]: Action.OpenUrl.url must be an absolute http(s) URL.',
    ])
    expect(f.shown()).toEqual([])
  })

  it('takes a newer version and a MessageCard (buttons dropped) only when configured to', async () => {
    const f = await start([{ id: 'f', sig: 's', acceptMessageCard: true }], { maxVersion: '1.5' })
    await post(f.webhook('f'), envelope(adaptive([block('x')], { version: '1.5' })))
    await post(f.webhook('f'), envelope(adaptive([block('x')], { version: '1.6' })))
    await post(f.webhook('f'), { '@type': 'MessageCard', title: 'Build failed', text: 'main', potentialAction: [{ '@type': 'OpenUri', name: 'Log' }] })
    expect(f.runs().map((r) => r.status)).toEqual(['Succeeded', 'Failed', 'Succeeded'])
    expect(f.shown()[1].visible).toBe('Build failed\nmain')
  })

  it('fails the run of a post over 28 KB (the trigger still says 202), or answers 413 like the old connectors', async () => {
    const f = await start([{ id: 'f', sig: 's' }])
    const overhead = Buffer.byteLength(JSON.stringify(message('')))
    expect((await post(f.webhook('f'), message('x'.repeat(28_672 - overhead)))).status).toBe(202)
    expect((await post(f.webhook('f'), message('x'.repeat(28_673 - overhead)))).status).toBe(202)
    expect(f.runs().map((r) => [r.status, r.error])).toEqual([
      ['Succeeded', undefined],
      ['Failed', 'The payload is too large. Please make sure the size is less than 28KB.'],
    ])
    await f.close()
    const g = (fake = await startFakeTeams([{ id: 'f', sig: 's' }], { oversize: '413', maxBytes: 21_000 }))
    const r = await post(g.webhook('f'), message('x'.repeat(21_001 - overhead)))
    expect([r.status, r.body]).toEqual([413, 'Microsoft Teams endpoint returned HTTP error 413 with ContextId MS-CV=fake.0'])
    expect(g.runs()).toEqual([])
  })

  it('fails the runs failRuns asks for, behind a 202', async () => {
    const f = await start([{ id: 'f', sig: 's' }])
    f.failRuns(2)
    for (let i = 0; i < 3; i++) expect((await post(f.webhook('f'), message(`m${i}`))).status).toBe(202)
    expect(f.runs().map((r) => [r.status, r.error])).toEqual([
      ['Failed', "The connection's owner is no longer in the organization."],
      ['Failed', "The connection's owner is no longer in the organization."],
      ['Succeeded', undefined],
    ])
    expect(f.shown().map((r) => r.visible)).toEqual(['m2'])
  })
})

describe('fake Teams: fixed windows per flow', () => {
  it('takes 4 a second, then 429 with Retry-After until the window refreshes', async () => {
    const clock = manualClock()
    const f = await start([{ id: 'f', sig: 's' }, { id: 'g', sig: 's' }], { clock })
    for (let i = 0; i < 4; i++) expect((await post(f.webhook('f'), message())).status).toBe(202)
    clock.advance(400)
    const limited = await post(f.webhook('f'), message())
    expect([limited.status, limited.retryAfter, limited.json?.error?.code]).toEqual([429, '1', 'WorkflowRequestsThrottled'])
    expect((await post(f.webhook('g'), message())).status).toBe(202) // per flow
    clock.advance(599)
    expect((await post(f.webhook('f'), message())).status).toBe(429)
    clock.advance(1)
    expect((await post(f.webhook('f'), message())).status).toBe(202)
  })

  it('takes 60 in 30 s (4 a second for 15 s), then waits out the 30 s window', async () => {
    const clock = manualClock()
    const f = await start([{ id: 'f', sig: 's' }], { clock })
    for (let s = 0; s < 15; s++) {
      for (let i = 0; i < 4; i++) expect((await post(f.webhook('f'), message())).status).toBe(202)
      clock.advance(1000)
    }
    const limited = await post(f.webhook('f'), message())
    expect([limited.status, limited.retryAfter]).toEqual([429, '15'])
    clock.advance(15_000)
    expect((await post(f.webhook('f'), message())).status).toBe(202)
    expect(f.runs()).toHaveLength(61)
  })

  it('takes its windows from the options', async () => {
    const clock = manualClock()
    const f = await start([{ id: 'f', sig: 's' }], { clock, windows: [[60_000, 2]] })
    for (let i = 0; i < 2; i++) expect((await post(f.webhook('f'), message())).status).toBe(202)
    expect((await post(f.webhook('f'), message())).retryAfter).toBe('60')
  })
})

describe('fake Teams: mentions', () => {
  const members = [{ upn: 'adele@contoso.onmicrosoft.com', name: 'Adele Vance' }, { objectId: '0a1b-oid', name: 'Lee Gu' }]
  const mention = (text: string, id: string) => ({ type: 'mention', text, mentioned: { id, name: text } })

  it('notifies a member named verbatim in a TextBlock or a Fact with a matching entity, by UPN or object id', async () => {
    const f = await start([{ id: 'f', sig: 's', members }])
    const card = adaptive([block('failed, cc <at>Adele UPN</at>'), { type: 'FactSet', facts: [{ title: 'Owner', value: '<at>Lee</at>' }] }], {
      msteams: {
        width: 'Full',
        entities: [mention('<at>Adele UPN</at>', 'adele@contoso.onmicrosoft.com'), mention('<at>Lee</at>', '0a1b-oid'), mention('<at>Ghost</at>', 'adele@contoso.onmicrosoft.com'), mention('<at>Bob</at>', 'bob@contoso.com')],
      },
    })
    await post(f.webhook('f'), envelope(card))
    expect(f.shown()[0].mentions).toEqual({ resolved: ['adele@contoso.onmicrosoft.com', '0a1b-oid'], unresolved: ['adele@contoso.onmicrosoft.com', 'bob@contoso.com'] })
    expect(f.shown()[0].visible).toBe('failed, cc @Adele UPN\nOwner: @Lee')
  })

  it('an <at> with no entity is plain text; a flow whose posts do not notify resolves nobody', async () => {
    const f = await start([{ id: 'f', sig: 's', members }, { id: 'quiet', sig: 's', members, mentionsNotify: false }])
    await post(f.webhook('f'), message('commit by <at>Adele UPN</at>'))
    const card = adaptive([block('<at>Adele UPN</at>')], { msteams: { entities: [mention('<at>Adele UPN</at>', 'adele@contoso.onmicrosoft.com')] } })
    await post(f.webhook('quiet'), envelope(card))
    expect(f.shown().map((r) => [r.visible, r.mentions])).toEqual([
      ['commit by Adele UPN', { resolved: [], unresolved: [] }],
      ['@Adele UPN', { resolved: [], unresolved: ['adele@contoso.onmicrosoft.com'] }],
    ])
  })
})

describe('fake Teams: failure injection', () => {
  it('injects a 429 with Retry-After, a 502 page and a Logic Apps error; records them', async () => {
    const f = await start([{ id: 'f', sig: 's' }])
    f.inject({ kind: 'status', status: 429, body: '{"error":{"code":"TooManyRequests"}}', contentType: 'application/json', headers: { 'retry-after': '12' } }, 1)
    f.inject({ kind: 'status', status: 502 }, 1)
    f.inject({ kind: 'errcode', errcode: 0, errmsg: 'GatewayTimeout', status: 504 }, 1)
    const limited = await post(f.webhook('f'), message())
    expect([limited.status, limited.retryAfter]).toEqual([429, '12'])
    expect((await post(f.webhook('f'), message())).status).toBe(502)
    expect(await post(f.webhook('f'), message())).toMatchObject({ status: 504, json: { error: { code: 'GatewayTimeout', message: 'GatewayTimeout' } } })
    expect((await post(f.webhook('f'), message())).status).toBe(202)
    expect(f.records.map((r) => [r.injected ?? 'real', r.http, r.retryAfter])).toEqual([
      ['status', 429, '12'],
      ['status', 502, undefined],
      ['errcode', 504, undefined],
      ['real', 202, undefined],
    ])
    expect(f.runs()).toHaveLength(1)
  })
})
