import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CommonEvent } from '../../src/event.js'
import { drain } from '../../src/render/gradual.js'
import { PLATFORM_NAMES, platformOf, renderers, type PlatformName } from '../../src/platforms/index.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import type { Mention } from '../../src/routing.js'
import type { Target } from '../../rules/schema.js'
import { payloadProblem, resolveMentions, shownParts } from '../fake-im/slack-checks.js'
import * as f from './events.js'

const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const validUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s

// Any code point, lone surrogates, markdown/tag/mention syntax, CJK, emoji and bidi controls.
const char = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom('[', ']', '(', ')', '<', '>', '@', '*', '`', '&', '#', '\n', ' ', '中', '文', '😀', '\u202e', '<@all>', '@13800138000', '<font color="info">'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
)
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: char, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: char, minLength: 1, maxLength: 8 }), fc.integer({ min: 100, max: 3000 })).map(([s, n]) => s.repeat(n)) },
)
const status = fc.constantFrom('queued', 'running', 'success', 'failed', 'unstable', 'canceled', 'skipped', 'manual' as const)

const event = fc
  .record({ path: text, branch: text, title: text, actor: text, name: text, env: text, version: text, jobs: fc.array(fc.tuple(text, text), { maxLength: 200 }), kind: fc.constantFrom('pipeline', 'build', 'deploy' as const), status })
  .map(({ path, branch, title, actor, name, env, version, jobs, kind, status }): CommonEvent => {
    const base = f.gitlabPipelineFailed()
    return {
      ...base,
      kind,
      status,
      project: { ...base.project, path },
      branch,
      name,
      actor: { name: actor },
      commit: { ...base.commit, title },
      environment: env,
      deployment: { environment: env, version, url: `https://deploy.example.com/${version}` },
      stages: [{ name: branch, status, jobs: jobs.map(([n, reason]) => ({ name: n, status: 'failed', failure_reason: reason, url: 'https://ci.example.com/j' })) }],
    }
  })
const mention: fc.Arbitrary<Mention> = fc.record({
  as: fc.constant('author'),
  name: text,
  resolved: fc.boolean(),
  dingtalk: fc.option(fc.stringMatching(/^[a-z0-9]{1,12}$/), { nil: undefined }),
  wecom: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), { nil: undefined }),
  ids: fc.option(fc.record({ feishu: fc.stringMatching(/^ou_[a-z0-9]{1,12}$/), slack: fc.oneof(fc.stringMatching(/^U[A-Z0-9]{1,10}$/), text), teams: fc.stringMatching(/^[a-z0-9]{1,12}@contoso\.com$/) }, { requiredKeys: [] }), { nil: undefined }),
  mobile: fc.option(fc.stringMatching(/^1[3-9]\d{9}$/), { nil: undefined }),
})
const target = fc.oneof(
  fc.record({ msgtype: fc.constantFrom('markdown', 'actionCard', 'text' as const), keyword: fc.option(fc.constantFrom('CI', '构建通知'), { nil: undefined }) }).map((o) => f.dingtalkTarget(o)),
  fc.constantFrom('markdown', 'text' as const).map((msgtype) => f.wecomTarget({ msgtype })),
  fc
    .record({ msgtype: fc.constantFrom('post', 'text', 'interactive' as const), keyword: fc.option(fc.constantFrom('CI', '构建通知'), { nil: undefined }) })
    .map((o): Target => ({ type: 'feishu', webhook: '', rate_per_minute: 10, ...o })),
  fc.constant<Target>({ type: 'teams', webhook: '', rate_per_minute: 8 }),
  fc.constant<Target>({ type: 'slack', webhook: '', rate_per_minute: 20 }),
)
const input: fc.Arbitrary<RenderInput> = fc
  .record({ event, target, mentions: fc.array(mention, { maxLength: 6 }), all: fc.boolean(), locale: fc.constantFrom('zh-CN', 'en' as const), transition: fc.constantFrom(null, 'broken', 'fixed', 'still_failing', 'first' as const) })
  .map(({ event, target, mentions, all, locale, transition }) => f.input(event, { target, locale, transition, route: f.route({ mentions, all }) }))

type Any = { msgtype: string; markdown?: { title?: string; text?: string; content?: string }; actionCard?: { text: string }; text?: { content: string }; at?: { atMobiles: string[]; atUserIds: string[] } }

/** Every message is within its platform's limit, valid UTF-8, and every @ token in it is one we put there. */
function check(platform: PlatformName, ms: RobotMessage[]) {
  expect(ms.length).toBeGreaterThan(0)
  for (const raw of ms) {
    if (platform === 'feishu') {
      checkFeishu(raw)
      continue
    }
    if (platform === 'teams') {
      checkTeams(raw)
      continue
    }
    if (platform === 'slack') {
      checkSlack(raw)
      continue
    }
    const m = raw as Any
    const json = JSON.stringify(raw)
    expect(validUtf8(json)).toBe(true)
    expect(json).not.toMatch(/\\ud[89a-f]/i)
    if (platform === 'dingtalk') {
      expect(bytes(JSON.stringify({ ...raw, msgUuid: randomUUID() }))).toBeLessThanOrEqual(20_000)
      const body = m.markdown?.text ?? m.actionCard?.text ?? m.text!.content
      const ours = new Set([...m.at!.atUserIds, ...m.at!.atMobiles, '所有人'])
      for (const [, token] of body.matchAll(/@([^\s@]+)/g)) expect(ours.has(token)).toBe(true)
    } else {
      const content = m.markdown?.content ?? m.text!.content
      expect(bytes(content)).toBeLessThanOrEqual(m.markdown ? 4096 : 2048)
      for (const [token] of content.matchAll(/<@[^>]*>/g)) expect(token).toMatch(/^<@[A-Za-z0-9]{1,12}>$/)
      expect(content.match(/<font/g)?.length ?? 0).toBeLessThanOrEqual(1)
    }
  }
}

describe('properties', () => {
  it('any event text, any mentions, any target: every message fits its limit, is valid UTF-8, and has no forged mentions', () => {
    fc.assert(
      fc.property(input, (i) => check(i.target.type as PlatformName, renderers[i.target.type as PlatformName].render(i))),
      { numRuns: 150, seed: 20260101 },
    )
  })

  it('digests of any events: within limits, every event exactly once', () => {
    fc.assert(
      // every registered platform, each with its example target (a new platform is covered when it registers)
      fc.property(fc.array(input, { minLength: 1, maxLength: 25 }), fc.constantFrom(...PLATFORM_NAMES), (inputs, platform) => {
        const target = platformOf(platform).exampleTarget as Target
        const numbered = inputs.map((i, k) => ({ ...i, target, event: { ...i.event, number: 900_000 + k } }))
        const ms = drain(renderers[platform].digest(numbered))
        check(platform, ms)
        const seen = [...ms.map((m) => JSON.stringify(m)).join('').matchAll(/#(9\d{5})/g)].map((x) => Number(x[1]) - 900_000)
        expect(seen).toEqual(numbered.map((_, k) => k))
      }),
      { numRuns: 40, seed: 20260102 },
    )
  })
})

/**
 * Slack: what the fake webhook accepts (blocks, sections, header within their limits), 12 000 characters of sections
 * in all, and every live mention one of ours: a member id from the people (`U…`) or the channel.
 */
function checkSlack(raw: RobotMessage) {
  expect(payloadProblem(raw)).toBeUndefined()
  const sections = (raw as { blocks: { type: string; text: { text: string } }[] }).blocks.filter((b) => b.type === 'section')
  expect(sections.reduce((n, b) => n + b.text.text.length, 0)).toBeLessThanOrEqual(12_000)
  const { resolved, unresolved } = resolveMentions(shownParts(raw), [], [])
  expect(resolved.every((m) => m === 'channel')).toBe(true)
  for (const id of unresolved) expect(id).toMatch(/^U[A-Z0-9]{1,10}$/)
  // every piece of markup is ours: a link, a member id, the channel; nothing opens a `<` it does not close
  for (const s of sections) {
    for (const [token] of s.text.text.matchAll(/<[^>]*>?/g)) expect(token).toMatch(/^(?:<https?:\/\/[^|<>\s]+\|[^<>]*>|<@U[A-Z0-9]{1,10}>|<!channel>)$/)
  }
}

/** Feishu: the signed body within 20 000 bytes; every `<at>` one of ours (`ou_…` or all), none in a post's text. */
function checkFeishu(raw: RobotMessage) {
  const signed = JSON.stringify({ timestamp: '1599360473', sign: 'l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=', ...raw })
  expect(bytes(signed)).toBeLessThanOrEqual(20_000)
  const m = raw as { msg_type: string; content?: { text?: string; post?: { zh_cn: { content: { tag: string; text?: string; user_id?: string }[][] } } }; card?: unknown }
  const text = m.msg_type === 'text' ? m.content!.text! : m.msg_type === 'interactive' ? JSON.stringify(m.card) : ''
  for (const [token] of text.matchAll(/<at[^>]*>/g)) expect(token).toMatch(/^<at (?:user_id="|id=)(?:ou_[a-z0-9]{1,12}|all)"?>$/)
  if (m.msg_type === 'post') for (const n of m.content!.post!.zh_cn.content.flat()) if (n.tag === 'text') expect(n.text).not.toMatch(/<at/)
}

/**
 * Teams: the card within 24,000 bytes, valid UTF-8; every `<at>…</at>` in its text is one of its entities' texts,
 * and every entity's id is a person's `teams:` id (ids come from people, never from CI text).
 */
function checkTeams(raw: RobotMessage) {
  const json = JSON.stringify(raw)
  expect(bytes(json)).toBeLessThanOrEqual(24_000)
  expect(validUtf8(json)).toBe(true)
  expect(json).not.toMatch(/\\ud[89a-f]/i)
  type Element = { text?: string; facts?: { title: string; value: string }[] }
  const card = (raw as { attachments: { content: { body: Element[]; msteams: { entities?: { text: string; mentioned: { id: string } }[] } } }[] }).attachments[0].content
  const entities = card.msteams.entities ?? []
  const texts = new Set(entities.map((e) => e.text))
  const shown = card.body.flatMap((e) => [e.text ?? '', ...(e.facts ?? []).flatMap((f) => [f.title, f.value])]).join('\n')
  for (const [tag] of shown.matchAll(/<at>.*?<\/at>/g)) expect(texts.has(tag)).toBe(true)
  for (const e of entities) expect(e.mentioned.id).toMatch(/^[a-z0-9]{1,12}@contoso\.com$/)
}
