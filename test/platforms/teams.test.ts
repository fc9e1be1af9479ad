import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { parseRules } from '../../rules/load.js'
import { targetSecrets } from '../../rules/secrets.js'
import { Target } from '../../rules/schema.js'
import type { CommonEvent } from '../../src/event.js'
import { redactRobotUrl } from '../../src/platforms/redact.js'
import { teams } from '../../src/platforms/teams/index.js'
import { readTeamsReply } from '../../src/platforms/teams/replies.js'
import { teamsLoad } from '../../src/platforms/teams/render.js'
import { drain } from '../../src/render/gradual.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import type { Mention } from '../../src/routing.js'
import { createSenders } from '../../src/senders/index.js'
import { RobotError } from '../../src/senders/robot-error.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { startFakeTeams, type FakeTeams } from '../fake-im/teams.js'
import * as f from '../render/events.js'

const reply = (status: number, body: unknown = '', headers: Record<string, string> = {}) => ({ status, text: typeof body === 'string' ? body : JSON.stringify(body), headers })
const SIG = 'Qx9sEcReT-sig_0123456789abcdefABCDEF'
const logicUrl = `https://prod-00.westus.logic.azure.com:443/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`
const ppUrl = `https://default0123.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0123abcd/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`

const target = (): Target => ({ type: 'teams', webhook: '', rate_per_minute: 8 })
const zhang: Mention = { as: 'author', name: '张三', resolved: true, ids: { teams: 'zhangsan@contoso.com' } }
const li: Mention = { as: 'actor', name: 'Li Si', resolved: true, ids: { teams: '8f1a2b3c-0000-4000-8000-00000000a001' } }
const render = (e: CommonEvent, o: Partial<RenderInput> = {}) => teams.renderer.render(f.input(e, { target: target(), ...o }))

type Card = {
  type: string
  version: string
  body: { type: string; text?: string; facts?: { title: string; value: string }[]; color?: string }[]
  actions?: { type: string; title: string; url: string }[]
  msteams: { width: string; entities?: { type: string; text: string; mentioned: { id: string; name: string } }[] }
}
const cardOf = (m: RobotMessage): Card => (m as { attachments: { content: Card }[] }).attachments[0].content

describe('Teams target', () => {
  it('is a Workflows webhook at 8 a minute by default, at most 60; no secret, keyword or msgtype', () => {
    expect(Target.parse({ type: 'teams', webhook: logicUrl })).toEqual({ type: 'teams', webhook: logicUrl, rate_per_minute: 8 })
    expect(Target.safeParse({ type: 'teams', webhook: '', rate_per_minute: 60 }).success).toBe(true)
    expect(Target.safeParse({ type: 'teams', webhook: '', rate_per_minute: 61 }).success).toBe(false)
    for (const key of ['secret', 'keyword', 'msgtype']) expect(Target.safeParse({ type: 'teams', webhook: '', [key]: 'x' }).success).toBe(false)
  })
})

describe('Teams in check', () => {
  const warningsOf = (yaml: string, env: Record<string, string>) => parseRules(yaml, { file: 'w.yaml', env }).warnings
  const env = { WF: logicUrl, PP: ppUrl, O365: `https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/0123/${SIG}`, DT: 'https://oapi.dingtalk.com/robot/send?access_token=tok' }

  it('knows the Workflows hosts under their domains: another platform on them is warned about, a Teams target is not', () => {
    const out = warningsOf('targets:\n  a: { type: teams, webhook: "${WF}" }\n  b: { type: teams, webhook: "${PP}" }\n  c: { type: dingtalk, webhook: "${WF}" }\n  d: { type: teams, webhook: "${DT}" }\n', env)
    expect(out).toEqual([
      "w.yaml:4:33: targets.c.webhook: a dingtalk target whose webhook is on Microsoft Teams's host (prod-00.westus.logic.azure.com): set type: teams, or use the DingTalk robot's webhook",
      "w.yaml:5:30: targets.d.webhook: a teams target whose webhook is on DingTalk's host (oapi.dingtalk.com): set type: dingtalk, or use the Microsoft Teams robot's webhook",
    ])
    expect(out.join('\n')).not.toContain(SIG)
  })

  it('warns about a retired Office 365 connector URL without quoting it', () => {
    const [w, ...rest] = warningsOf('targets:\n  old: { type: teams, webhook: "${O365}" }\n', env)
    expect(rest).toEqual([])
    expect(w).toBe('w.yaml:2:32: targets.old.webhook: is an Office 365 connector URL (*.webhook.office.com): the connectors are retired and no longer deliver; in the channel, add the Workflows template "Send webhook alerts to a channel" and use its URL')
    expect(w).not.toContain(SIG)
  })

  it('warns that mention: all reaches no one on a Teams target (and only there)', () => {
    const yaml = 'targets:\n  t: { type: teams, webhook: "" }\n  d: { type: dingtalk, webhook: "" }\nrules:\n  - { name: r, notify: [d, t], mention: [author, all], continue: true }\n  - { name: s, notify: [d], mention: [all] }\n'
    expect(warningsOf(yaml, {})).toEqual([
      'w.yaml:5:50: rules[0].mention[1]: "all" mentions no one on t (Microsoft Teams): Teams has no @channel or @everyone in a webhook\'s post ("Channel and team mentions are not supported in bot messages"); give people a teams: id and mention them',
    ])
  })

  it('takes a teams: id on a person', () => {
    const rules = parseRules('targets:\n  t: { type: teams, webhook: "" }\npeople:\n  - { name: 张三, gitlab: zs, teams: zhangsan@contoso.com }\n', { file: 'w.yaml', env: {} })
    expect(rules.config.people[0]).toMatchObject({ teams: 'zhangsan@contoso.com' })
    // the JSON Schema (checked against `ci-notify schema` in test/commands/schema.test.ts) says which id
    expect(readFileSync('rules.schema.json', 'utf8')).toContain("The person's Microsoft Teams UPN (name@contoso.com) or Entra object id, for @-mentions there")
  })
})

describe('Teams replies', () => {
  it('2xx is sent: 202 (queued) and 200 (a flow with its own Response)', () => {
    expect(readTeamsReply(reply(202))).toEqual({ ok: true })
    expect(readTeamsReply(reply(200, '1'))).toEqual({ ok: true })
  })

  it('429 waits for its Retry-After (a minute without one); 408 and 5xx are retried', () => {
    expect(readTeamsReply(reply(429, { error: { code: 'WorkflowRequestsThrottled', message: 'x' } }, { 'retry-after': '7' }))).toEqual({
      ok: false,
      verdict: { kind: 'rate_limited', waitMs: 7000 },
      errmsg: 'HTTP 429 WorkflowRequestsThrottled',
      label: 'http_429',
    })
    expect(readTeamsReply(reply(429))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 60_000 } })
    expect(readTeamsReply(reply(429, '', { 'retry-after': '86400' }))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 3_600_000 } })
    for (const s of [408, 500, 502, 503, 504]) expect(readTeamsReply(reply(s, '<html>'))).toMatchObject({ ok: false, verdict: { kind: 'retry' } })
  })

  it('other 4xx are permanent, named by their Logic Apps code only (the message may quote the request)', () => {
    const schema = reply(400, { error: { code: 'TriggerInputSchemaMismatch', message: `bad body at ${logicUrl}` } })
    expect(readTeamsReply(schema)).toEqual({ ok: false, verdict: { kind: 'permanent' }, errmsg: 'HTTP 400 TriggerInputSchemaMismatch', label: 'http_400' })
    for (const s of [401, 403, 404, 409, 413]) expect(readTeamsReply(reply(s, ''))).toMatchObject({ ok: false, verdict: { kind: 'permanent' }, errmsg: `HTTP ${s}` })
    expect(readTeamsReply(reply(401, { error: { code: `sig=${SIG} <b>`, message: '' } }))).toMatchObject({ errmsg: 'HTTP 401' })
  })

  it("reads a retired connector's 200 that says it failed as that failure", () => {
    expect(readTeamsReply(reply(200, 'Microsoft Teams endpoint returned HTTP error 429 with ContextId MS-CV=abc.0'))).toMatchObject({ ok: false, verdict: { kind: 'rate_limited' }, label: 'http_429' })
    expect(readTeamsReply(reply(200, 'Microsoft Teams endpoint returned HTTP error 400 with ContextId MS-CV=abc.0'))).toMatchObject({ ok: false, verdict: { kind: 'permanent' } })
  })
})

describe('Teams sig (the credential in the query)', () => {
  it('is redacted wherever a robot URL is shown, in both URL forms; sp and sv stay', () => {
    expect(redactRobotUrl(`ops: POST ${logicUrl}: HTTP 500`)).toBe(
      'ops: POST https://prod-00.westus.logic.azure.com:443/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=***: HTTP 500',
    )
    expect(redactRobotUrl(`"${ppUrl}"`)).not.toContain(SIG)
    expect(redactRobotUrl(`${ppUrl}&x=1`)).toContain('&sig=***&x=1')
  })

  it('is a secret value of the target (logs and errmsgs are scrubbed of it)', () => {
    expect(targetSecrets({ type: 'teams', webhook: logicUrl, rate_per_minute: 8 })).toEqual(expect.arrayContaining([logicUrl, SIG]))
  })
})

describe('Teams cards', () => {
  it('a message envelope holding one Adaptive Card 1.4: coloured headline, facts as a FactSet, lists, the link as Action.OpenUrl', () => {
    const [m] = render(f.gitlabPipelineFailed())
    expect(Object.keys(m)).toEqual(['type', 'attachments'])
    expect(m.type).toBe('message')
    const [a] = m.attachments as { contentType: string; content: Card }[]
    expect(Object.keys(a)).toEqual(['contentType', 'content']) // no contentUrl: null, which a typed trigger schema refuses
    expect(a.contentType).toBe('application/vnd.microsoft.card.adaptive')
    const card = cardOf(m)
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' } })
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: '❌ 流水线失败', color: 'Attention', weight: 'Bolder' })
    const facts = card.body.find((b) => b.type === 'FactSet')!.facts!
    expect(facts[0]).toEqual({ title: '项目', value: '[gitlab-org/gitlab-test](http://192.168.64.1:3005/gitlab-org/gitlab-test)' })
    expect(card.body.some((b) => b.type === 'TextBlock' && /^- ✅ build/.test(b.text!))).toBe(true)
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: '查看详情', url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31' }])
    expect(JSON.stringify(card)).not.toContain('\\u000')
  })

  it('mentions: <at>Name</at> in the text with a matching entity by UPN or Entra id; the rest by name; all adds nothing', () => {
    const carol: Mention = { as: 'culprits', name: 'Carol', resolved: false }
    const [m] = render(f.gitlabPipelineFailed(), { route: f.route({ mentions: [zhang, li, carol], all: true }) })
    const card = cardOf(m)
    expect(card.msteams.entities).toEqual([
      { type: 'mention', text: '<at>张三</at>', mentioned: { id: 'zhangsan@contoso.com', name: '张三' } },
      { type: 'mention', text: '<at>Li Si</at>', mentioned: { id: '8f1a2b3c-0000-4000-8000-00000000a001', name: 'Li Si' } },
    ])
    expect(card.body.at(-1)!.text).toBe('<at>张三</at> <at>Li Si</at> Carol')
  })

  it('two people shown by one name get two texts, so each entity matches its own', () => {
    const other: Mention = { as: 'actor', name: '张三', resolved: true, ids: { teams: 'zhangsan2@contoso.com' } }
    const card = cardOf(render(f.gitlabPipelineFailed(), { route: f.route({ mentions: [zhang, other] }) })[0])
    expect(card.msteams.entities!.map((e) => [e.text, e.mentioned.id])).toEqual([
      ['<at>张三</at>', 'zhangsan@contoso.com'],
      ['<at>张三 (2)</at>', 'zhangsan2@contoso.com'],
    ])
  })

  it('CI text writes no mention tag, link or card function', () => {
    const e = f.gitlabPipelineFailed()
    e.commit = { ...e.commit!, title: '<at>张三</at> [x](http://evil) **bold** _it_ {{DATE(2017-02-14T06:00:00Z, SHORT)}}' }
    const evil: Mention = { as: 'culprits', name: '<at>Li Si</at>', resolved: false }
    const s = JSON.stringify(render(e, { route: f.route({ mentions: [zhang, evil] }) })[0])
    expect([...s.matchAll(/<at>[^<]*<\/at>/g)].map((x) => x[0])).toEqual(['<at>张三</at>', '<at>张三</at>']) // the line and its entity
    expect(s).not.toContain('[x](http://evil)')
    expect(s).not.toContain('**bold**')
    expect(s).not.toContain('{{DATE(')
  })

  it('a 400-job pipeline fits (load ≤ 1, and fills the card)', () => {
    const ms = render(bigPipeline())
    expect(ms).toHaveLength(1)
    expect(teamsLoad(ms[0])).toBeLessThanOrEqual(1)
    expect(teamsLoad(ms[0])).toBeGreaterThan(0.8)
  })
})

function bigPipeline(): CommonEvent {
  const e = f.gitlabPipelineFailed()
  e.stages = [{ name: 'test', status: 'failed', jobs: Array.from({ length: 400 }, (_, i) => ({ name: `job-${i}-${'长'.repeat(30)}`, status: 'failed' as const, url: `https://ci.example.com/jobs/${i}` })) }]
  return e
}

describe('teams sender against the fake Workflows trigger', () => {
  const clock = manualClock(1_700_000_000_000)
  let fake: FakeTeams
  beforeAll(async () => {
    fake = await startFakeTeams([{ id: 'ops', sig: SIG, members: [{ upn: 'zhangsan@contoso.com' }, { objectId: '8f1a2b3c-0000-4000-8000-00000000a001' }] }], { clock, windows: [] })
  })
  afterAll(() => fake.close())
  const t = (o: Partial<NamedTarget> = {}): NamedTarget => ({ name: 'ops', type: 'teams', webhook: fake.webhook('ops'), rate_per_minute: 8, ...o }) as NamedTarget
  const sender = () => createSenders({ timeoutMs: 2000, now: clock.now }).teams
  const post = async (m: RobotMessage) => {
    const mark = fake.records.length
    await sender().send(t(), m, { uuid: 'u' })
    return fake.records.slice(mark)
  }

  it('the channel shows the card; the mentions resolve through their entities, by UPN and by object id', async () => {
    const [rec] = await post(render(f.gitlabPipelineFailed(), { route: f.route({ mentions: [zhang, li] }) })[0])
    expect(rec.run?.status).toBe('Succeeded')
    expect(rec.mentions).toEqual({ resolved: ['zhangsan@contoso.com', '8f1a2b3c-0000-4000-8000-00000000a001'], unresolved: [] })
    expect(rec.visible).toContain('@张三 @Li Si')
  })

  it("a commit message's <at>Name</at> resolves nothing", async () => {
    const e = f.gitlabPipelineFailed()
    e.commit = { ...e.commit!, title: '<at>张三</at> <at>Li Si</at>' }
    const [rec] = await post(render(e)[0])
    expect(rec.run?.status).toBe('Succeeded')
    expect(rec.mentions).toEqual({ resolved: [], unresolved: [] })
    expect(rec.visible).not.toContain('@')
  })

  it('a 400-job pipeline and a 500-event digest post within the 28 KB the run takes', async () => {
    const recs = await post(render(bigPipeline())[0])
    const inputs = Array.from({ length: 500 }, (_, k) => f.input({ ...f.gitlabPipelineFailed(), number: 900_000 + k }, { target: target(), route: f.route({ mentions: [k % 2 ? zhang : li] }) }))
    const digest = drain(teams.renderer.digest(inputs))
    expect(digest.length).toBeGreaterThan(1)
    for (const m of digest) recs.push(...(await post(m)))
    expect(recs.map((r) => r.run?.status)).toEqual(Array(1 + digest.length).fill('Succeeded'))
    expect(recs.every((r) => Buffer.byteLength(r.body) <= 28_672)).toBe(true)
    const seen = [...recs.slice(1).map((r) => r.body).join('').matchAll(/#(9\d{5})/g)].map((x) => Number(x[1]) - 900_000)
    expect(seen).toEqual(inputs.map((_, k) => k))
    for (const r of recs.slice(1)) expect(r.mentions?.resolved).toEqual(expect.arrayContaining(['zhangsan@contoso.com']))
  })

  it('errors name neither the sig nor the whole URL: a 5xx, a wrong sig', async () => {
    fake.inject({ kind: 'status', status: 502 }, 1)
    const e1 = await sender().send(t(), render(f.gitlabPipelineFailed())[0], { uuid: 'u' }).catch((e: unknown) => e)
    expect(e1).toBeInstanceOf(RobotError)
    expect((e1 as RobotError).r.verdict).toEqual({ kind: 'retry' })
    const wrong = fake.webhook('ops').replace(SIG, 'WRONG-sig-value-0123')
    const e2 = await sender().send(t({ webhook: wrong }), render(f.gitlabPipelineFailed())[0], { uuid: 'u' }).catch((e: unknown) => e)
    expect((e2 as RobotError).r).toMatchObject({ verdict: { kind: 'permanent' }, errmsg: 'HTTP 401 DirectApiInvalidAuthorizationSignature' })
    for (const [err, sig] of [[e1, SIG], [e2, 'WRONG-sig-value-0123']] as const) {
      expect((err as RobotError).message).toContain('sig=***')
      expect((err as RobotError).message).not.toContain(sig)
      expect(JSON.stringify((err as RobotError).r)).not.toContain(sig)
    }
  })

  it("a 429 from the flow's windows is a rate limit for its Retry-After", async () => {
    const limited = await startFakeTeams([{ id: 'b', sig: SIG }], { clock, windows: [[1000, 4]] })
    try {
      const s = sender()
      const m = render(f.gitlabPipelineFailed())[0]
      for (let i = 0; i < 4; i++) await s.send(t({ webhook: limited.webhook('b') }), m, { uuid: `b${i}` })
      const err = await s.send(t({ webhook: limited.webhook('b') }), m, { uuid: 'b5' }).catch((e: unknown) => e)
      expect((err as RobotError).r).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 1000 }, label: 'http_429' })
    } finally {
      await limited.close()
    }
  })
})
