import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NamedTarget } from '../../rules/compile.js'
import { targetSecrets } from '../../rules/secrets.js'
import { parseRules } from '../../rules/load.js'
import { PersonEntry, Target } from '../../rules/schema.js'
import { deliveryView } from '../../src/app/delivery-view.js'
import { createLogger } from '../../src/log.js'
import { redactRobotUrl } from '../../src/platforms/redact.js'
import { readSlackReply } from '../../src/platforms/slack/delivery.js'
import { SLACK_ERRORS } from '../../src/platforms/slack/error-strings.js'
import { slack } from '../../src/platforms/slack/index.js'
import { sections, SECTION_CHARS, slackLoad, type SlackMessage } from '../../src/platforms/slack/render.js'
import { drain } from '../../src/render/gradual.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import type { Mention } from '../../src/routing.js'
import { createSenders } from '../../src/senders/index.js'
import { RobotError } from '../../src/senders/robot-error.js'
import type { Delivery } from '../../src/store/types.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { payloadProblem } from '../fake-im/slack-checks.js'
import { startFakeSlack, type FakeSlack } from '../fake-im/slack.js'
import { captureLogs } from '../helpers/log-capture.js'
import * as f from '../render/events.js'

const reply = (status: number, text: string, headers: Record<string, string | string[]> = {}) => ({ status, text, headers })
const slackTarget = { type: 'slack', webhook: '', rate_per_minute: 20 } as Target
const zhang: Mention = { as: 'author', name: '张三', resolved: true, ids: { slack: 'U0ZHANG' }, mobile: '13800000001' }
const li: Mention = { as: 'actor', name: '李四', resolved: true, mobile: '13800000002' }

describe('Slack target', () => {
  it('defaults to 20 a minute, caps the rate at 60 (about 1 a second), has no msgtype or secret', () => {
    const t = Target.parse({ type: 'slack', webhook: 'https://hooks.slack.com/services/T0/B0/x' })
    expect(t).toEqual({ type: 'slack', webhook: 'https://hooks.slack.com/services/T0/B0/x', rate_per_minute: 20 })
    expect(Target.safeParse({ type: 'slack', webhook: '', rate_per_minute: 60 }).success).toBe(true)
    expect(Target.safeParse({ type: 'slack', webhook: '', rate_per_minute: 61 }).success).toBe(false)
    expect(Target.safeParse({ type: 'slack', webhook: '', msgtype: 'markdown' }).success).toBe(false)
    expect(Target.safeParse({ type: 'slack', webhook: '', secret: 'x' }).success).toBe(false)
  })

  it("a person's slack: member id is a people key (from the registry)", () => {
    expect(PersonEntry.parse({ name: '张三', slack: 'U0ZHANG' })).toMatchObject({ slack: 'U0ZHANG' })
  })

  it('spaces sends a second apart', () => {
    expect(slack.minGapMs).toBe(1000)
  })
})

describe('Slack replies', () => {
  it('success is HTTP 200 with the body ok, and nothing else', () => {
    expect(readSlackReply(reply(200, 'ok'))).toEqual({ ok: true })
    expect(readSlackReply(reply(200, 'ok\n'))).toEqual({ ok: true })
    for (const body of ['', 'OK', '{"ok":true}', '<html>proxy</html>']) {
      expect(readSlackReply(reply(200, body))).toMatchObject({ ok: false, verdict: { kind: 'retry' }, label: 'bad_reply' })
    }
    expect(readSlackReply(reply(201, 'ok'))).toMatchObject({ ok: false, verdict: { kind: 'permanent' }, label: 'http_201' })
  })

  it('429 waits for its Retry-After (seconds); without a readable one, a minute', () => {
    const body = '{"ok":false,"count_hour_ago":400,"count_minute_ago":100,"count_second_ago":5}'
    expect(readSlackReply(reply(429, body, { 'retry-after': '7' }))).toMatchObject({ ok: false, verdict: { kind: 'rate_limited', waitMs: 7000 }, label: 'http_429' })
    expect(readSlackReply(reply(429, body, { 'retry-after': ['3'] }))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 3000 } })
    expect(readSlackReply(reply(429, body, { 'retry-after': '0' }))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 1000 } })
    expect(readSlackReply(reply(429, body))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 60_000 } })
    expect(readSlackReply(reply(429, body, { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 60_000 } })
  })

  it('5xx is tried again, saying the error string when there is one', () => {
    expect(readSlackReply(reply(500, 'rollup_error'))).toEqual({ ok: false, verdict: { kind: 'retry' }, errmsg: 'HTTP 500: rollup_error', label: 'http_5xx' })
    expect(readSlackReply(reply(503, '<html>Service Unavailable</html>'))).toEqual({ ok: false, verdict: { kind: 'retry' }, errmsg: 'HTTP 503', label: 'http_5xx' })
  })

  it('every documented error string but rollup_error is final, labelled by itself', () => {
    const cases: [number, string][] = [
      [400, 'invalid_payload'],
      [400, 'user_not_found'],
      [400, 'no_text'],
      [400, 'invalid_blocks'],
      [403, 'action_prohibited'],
      [403, 'posting_to_general_channel_denied'],
      [404, 'channel_not_found'],
      [410, 'channel_is_archived'],
      [404, 'no_service'],
      [404, 'no_service_id'],
      [404, 'no_team'],
      [403, 'team_disabled'],
      [403, 'invalid_token'],
      [410, 'no_active_hooks'],
      [400, 'too_many_attachments'],
    ]
    for (const [status, error] of cases) {
      expect(readSlackReply(reply(status, error)), error).toEqual({ ok: false, verdict: { kind: 'permanent' }, errmsg: error, label: error })
    }
    // the table has nothing else that is final
    expect(Object.keys(SLACK_ERRORS).filter((e) => SLACK_ERRORS[e].verdict.kind === 'permanent').sort()).toEqual(cases.map(([, e]) => e).concat('invalid_attachments').sort())
  })

  it('any other answer means what its status means; a body that is not an error string is not echoed', () => {
    expect(readSlackReply(reply(400, 'some_new_error'))).toEqual({ ok: false, verdict: { kind: 'permanent' }, errmsg: 'HTTP 400: some_new_error', label: 'http_400' })
    expect(readSlackReply(reply(404, '<html>https://hooks.slack.com/services/T0/B0/leak</html>'))).toEqual({ ok: false, verdict: { kind: 'permanent' }, errmsg: 'HTTP 404', label: 'http_404' })
    expect(readSlackReply(reply(408, ''))).toMatchObject({ verdict: { kind: 'retry' }, label: 'http_408' })
    // a string that only looks like a table key is not one
    expect(readSlackReply(reply(400, 'constructor'))).toMatchObject({ verdict: { kind: 'permanent' }, label: 'http_400' })
    expect(readSlackReply(reply(200, 'rollup_error'))).toMatchObject({ verdict: { kind: 'retry' }, label: 'rollup_error' })
  })
})

describe('Slack webhook secret', () => {
  const SECRET = 'xoxb4Sec7ReT9aBcDeFgHiJk'
  const url = `https://hooks.slack.com/services/T0ABC123/B0DEF456/${SECRET}`

  it('the whole path after /services/ is hidden wherever a robot URL is shown; what follows the URL stays', () => {
    expect(redactRobotUrl(`ops: POST ${url}: HTTP 500`)).toBe('ops: POST https://hooks.slack.com/services/***: HTTP 500')
    expect(redactRobotUrl(`"${url}?x=1"`)).toBe('"https://hooks.slack.com/services/***?x=1"')
    expect(redactRobotUrl(`(${url})`)).toBe('(https://hooks.slack.com/services/***)')
    // Feishu's one-segment token as before
    expect(redactRobotUrl('https://open.feishu.cn/open-apis/bot/v2/hook/tok-1: x')).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/***: x')
  })

  it('is a secret value of the target: the URL, the path after /services/ and the secret alone', () => {
    const secrets = targetSecrets({ type: 'slack', webhook: url, rate_per_minute: 20 })
    expect(secrets).toEqual(expect.arrayContaining([url, `T0ABC123/B0DEF456/${SECRET}`, SECRET]))
  })

  it('through a proxy whose path puts something before /services/, the secret alone is still a secret value', () => {
    const proxied = `https://egress.example.com/slack/services/T0ABC123/B0DEF456/${SECRET}`
    expect(targetSecrets({ type: 'slack', webhook: proxied, rate_per_minute: 20 })).toEqual(expect.arrayContaining([proxied, `T0ABC123/B0DEF456/${SECRET}`, SECRET]))
  })

  it('never reaches a log line, an API answer or an error', async () => {
    const { logs, destination } = captureLogs()
    const log = createLogger({ destination, secrets: () => targetSecrets({ type: 'slack', webhook: url, rate_per_minute: 20 }) })
    log.warn({ err: `POST ${url} failed`, path: `/services/T0ABC123/B0DEF456/${SECRET}`, alone: SECRET }, 'send failed')
    log.flush()
    expect(logs.join('')).toContain('send failed')
    expect(logs.join('')).not.toContain(SECRET)
    const view = deliveryView({ id: 'd1', event_id: 'e1', target: 'ops', status: 'retrying', attempts: 1, last_errmsg: `ops: POST ${url}: HTTP 500`, next_attempt_at: 0, created_at: 'now', route: { rules: [] } } as unknown as Delivery)
    expect(view.last_errmsg).toBe('ops: POST https://hooks.slack.com/services/***: HTTP 500')
  })
})

describe('Slack in check', () => {
  const SECRET = 'xoxb4Sec7ReT9aBcDeFgHiJk'
  const url = `https://hooks.slack.com/services/T0ABC123/B0DEF456/${SECRET}`
  const warningsOf = (webhook: string) => parseRules('targets:\n  s: { type: slack, webhook: "${W}" }\n', { file: 'w.yaml', env: { W: webhook } }).warnings

  it('warns about a hooks.slack.com URL that is not an incoming webhook (/services/…), without quoting it', () => {
    const trigger = `https://hooks.slack.com/triggers/T0ABC123/123/${SECRET}`
    const [w, ...rest] = warningsOf(trigger)
    expect(rest).toEqual([])
    expect(w).toMatch(/^w\.yaml:2:\d+: targets\.s\.webhook: is on hooks\.slack\.com but not under \/services\//)
    expect(w).not.toContain(SECRET)
    expect(warningsOf(url)).toEqual([])
  })
})

describe('Slack messages', () => {
  const render = (i: Partial<RenderInput> & { event: RenderInput['event'] }) => slack.renderer.render(f.input(i.event, { target: slackTarget, ...i })) as unknown as SlackMessage[]

  it('a header block and mrkdwn sections; the title line is the notification text; links as <url|label>', () => {
    const [m] = render({ event: f.gitlabPipelineFailed(), route: f.route({ mentions: [zhang, li] }) })
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '❌ 流水线失败', emoji: true } })
    expect(m.text).toBe('❌ 流水线失败 gitlab-org/gitlab-test #31')
    const body = m.blocks.slice(1).map((b) => b.text.text).join('\n')
    expect(m.blocks.slice(1).every((b) => b.type === 'section' && b.text.type === 'mrkdwn')).toBe(true)
    expect(body).toContain('项目：<http://192.168.64.1:3005/gitlab-org/gitlab-test|gitlab-org/gitlab-test>')
    expect(body.endsWith('<@U0ZHANG> 李四')).toBe(true)
    expect(payloadProblem(m)).toBeUndefined()
  })

  it('everyone is <!channel>, and then no one is listed', () => {
    const [m] = render({ event: f.gitlabPipelineFailed(), route: f.route({ mentions: [zhang, li], all: true }) })
    const body = JSON.stringify(m.blocks)
    expect(body).toContain('<!channel>')
    expect(body).not.toContain('<@U0ZHANG>')
  })

  it('a slack: id that is not a member id is written by name, never into <@…>', () => {
    const odd: Mention = { as: 'author', name: 'Odd', resolved: true, ids: { slack: 'U1> <!channel' } }
    const [m] = render({ event: f.gitlabPipelineFailed(), route: f.route({ mentions: [odd] }) })
    expect(JSON.stringify(m)).not.toMatch(/<!channel|<@/)
    expect(m.blocks.at(-1)!.text.text.endsWith('Odd')).toBe(true)
  })

  it('a URL with & and | is written so that it stays one link', () => {
    const e = f.gitlabPipelineFailed()
    e.url = 'https://ci.example.com/p?a=1&b=x|y'
    const [m] = render({ event: e })
    expect(JSON.stringify(m)).toContain('<https://ci.example.com/p?a=1&amp;b=x%7Cy|查看详情>')
  })

  it('sections are cut between lines, each within 3000 characters and none blank', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i} ${'x'.repeat(95)}`)
    const out = sections(['head', '', ...lines].join('\n'))
    expect(out.length).toBeGreaterThan(3)
    for (const s of out) expect(s.length).toBeLessThanOrEqual(SECTION_CHARS)
    expect(out.join('\n')).toBe(['head', '', ...lines].join('\n'))
    expect(sections('a\n\n\n')).toEqual(['a'])
  })

  it('a 400-job pipeline is one message within the limits Slack checks (50 blocks, 3000 a section, 12 000 in all)', () => {
    const e = f.gitlabPipelineFailed()
    e.stages = [{ name: 'test', status: 'failed', jobs: Array.from({ length: 400 }, (_, i) => ({ name: `job-${i}-${'长'.repeat(30)}`, status: 'failed' as const, url: `https://ci.example.com/jobs/${i}` })) }]
    const ms = render({ event: e, route: f.route({ mentions: [zhang] }) })
    expect(ms).toHaveLength(1)
    expect(payloadProblem(ms[0])).toBeUndefined()
    expect(slackLoad(ms[0])).toBeLessThanOrEqual(1)
    const chars = ms[0].blocks.filter((b) => b.type === 'section').map((b) => b.text.text.length)
    expect(chars.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12_000)
    expect(Math.max(...chars)).toBeLessThanOrEqual(3000)
    // as full as the limit allows: the list is cut, not dropped
    expect(slackLoad(ms[0])).toBeGreaterThan(0.9)
    expect(ms[0].blocks.length).toBeGreaterThan(2)
    expect(JSON.stringify(ms[0])).toContain('<@U0ZHANG>')
  })

  it('a digest of 500 events: within the limits, every event exactly once, in order', () => {
    const inputs: RenderInput[] = Array.from({ length: 500 }, (_, k) => {
      const e = f.gitlabPipelineFailed()
      e.number = 900_000 + k
      e.project = { ...e.project, path: `group/${'项目'.repeat(20)}-${k}` }
      return f.input(e, { target: slackTarget, route: f.route({ mentions: [zhang] }) })
    })
    const ms = drain(slack.renderer.digest(inputs)) as RobotMessage[]
    expect(ms.length).toBeGreaterThan(1)
    for (const m of ms) {
      expect(payloadProblem(m)).toBeUndefined()
      expect(slackLoad(m)).toBeLessThanOrEqual(1)
    }
    const seen = [...JSON.stringify(ms).matchAll(/#(9\d{5})/g)].map((x) => Number(x[1]) - 900_000)
    expect(seen).toEqual(inputs.map((_, k) => k))
  })
})

describe('slack sender against the fake', () => {
  const clock = manualClock(1_700_000_000_000)
  const SECRET = 'fakeSecretAbCdEf0123456789'
  let fake: FakeSlack
  beforeAll(async () => {
    fake = await startFakeSlack(
      [
        { secret: SECRET, members: [{ id: 'U0ZHANG', name: 'zhang' }] },
        { secret: 'archived-hook-secret', state: 'channel_archived' },
      ],
      { clock, burst: 2 },
    )
  })
  afterAll(() => fake.close())
  const t = (secret = SECRET): NamedTarget => ({ name: 'ops', type: 'slack', webhook: fake.webhook(secret), rate_per_minute: 20 }) as NamedTarget
  const sender = () => createSenders({ timeoutMs: 2000, now: clock.now }).slack

  it('CI text mentions no one: <!channel>, <@U…>, <!here> and a link in a commit, a branch and a name stay text', async () => {
    const e = f.gitlabPipelineFailed()
    e.commit = { ...e.commit!, title: '<!channel> <@U0ZHANG> &lt;!here&gt; <https://evil.example|click> *b* _i_ ~s~' }
    e.branch = '<!everyone>'
    e.actor = { name: '<!subteam^S123>' }
    const unresolved: Mention = { as: 'culprits', name: '<!here>', resolved: false }
    const [m] = slack.renderer.render(f.input(e, { target: slackTarget, route: f.route({ mentions: [zhang, unresolved] }) }))
    clock.advance(10_000)
    await sender().send(t(), m, { uuid: 'u1' })
    const shown = fake.shown(SECRET).at(-1)!
    expect(shown.mentions).toEqual({ resolved: ['U0ZHANG'], unresolved: [] })
    // shown as written, in look-alike brackets
    expect(shown.visible).toContain('＜!channel＞ ＜＠U0ZHANG＞ ＆lt;!here＆gt; ＜https://evil.example|click＞ ＊b＊ ＿i＿ ～s～')
    expect(shown.visible).toContain('＜!everyone＞')
    expect(shown.visible).toContain('@zhang ＜!here＞')
    expect(shown.visible).not.toContain('evil.example|click>')
  })

  it('for everyone, the channel is mentioned', async () => {
    const [m] = slack.renderer.render(f.input(f.gitlabPipelineFailed(), { target: slackTarget, route: f.route({ mentions: [zhang], all: true }) }))
    clock.advance(10_000)
    await sender().send(t(), m, { uuid: 'u2' })
    expect(fake.shown(SECRET).at(-1)!.mentions).toEqual({ resolved: ['channel'], unresolved: [] })
  })

  it('a burst past the bucket is a rate limit for its Retry-After; the error names no secret', async () => {
    clock.advance(10_000)
    const [m] = slack.renderer.render(f.input(f.gitlabPipelineFailed(), { target: slackTarget }))
    await sender().send(t(), m, { uuid: 'u3' })
    await sender().send(t(), m, { uuid: 'u4' })
    const err = await sender().send(t(), m, { uuid: 'u5' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RobotError)
    expect((err as RobotError).r).toMatchObject({ verdict: { kind: 'rate_limited', waitMs: 1000 }, label: 'http_429' })
    expect((err as RobotError).message).toContain('/services/***')
    expect((err as RobotError).message).not.toContain(SECRET)
  })

  it('an archived channel is final; 500 rollup_error is tried again', async () => {
    clock.advance(10_000)
    const [m] = slack.renderer.render(f.input(f.gitlabPipelineFailed(), { target: slackTarget }))
    const gone = await sender().send(t('archived-hook-secret'), m, { uuid: 'u6' }).catch((e: unknown) => e)
    expect((gone as RobotError).r).toMatchObject({ verdict: { kind: 'permanent' }, errmsg: 'channel_is_archived' })
    expect((gone as RobotError).message).not.toContain('archived-hook-secret')
    fake.inject({ kind: 'status', status: 500, body: 'rollup_error' }, 1)
    const busy = await sender().send(t(), m, { uuid: 'u7' }).catch((e: unknown) => e)
    expect((busy as RobotError).r).toMatchObject({ verdict: { kind: 'retry' }, errmsg: 'HTTP 500: rollup_error' })
    expect((busy as RobotError).message).not.toContain(SECRET)
  })
})
