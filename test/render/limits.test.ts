import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CommonEvent } from '../../src/event.js'
import { DINGTALK_BODY_LIMIT } from '../../src/platforms/dingtalk/render.js'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import { WECOM_MARKDOWN_LIMIT, WECOM_TEXT_LIMIT } from '../../src/platforms/wecom/render.js'
import * as f from './events.js'
import { fixtureEvent } from './events.js'

const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const valid = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s

/** The body as the DingTalk sender will post it: with its msgUuid. */
const dingBody = (m: RobotMessage) => JSON.stringify({ ...m, msgUuid: randomUUID() })

function hugeEvent(o: { jobs?: number; commit?: string; text?: string } = {}): CommonEvent {
  const base = f.gitlabPipelineFailed()
  const t = o.text
  const jobs = Array.from({ length: o.jobs ?? 0 }, (_, i) => ({
    name: `${t ?? 'job'}-${i}`,
    status: 'failed' as const,
    url: `https://ci.example.com/jobs/${i}`,
    failure_reason: 'script_failure',
  }))
  return {
    ...base,
    project: t ? { ...base.project, path: t, name: t } : base.project,
    branch: t ?? base.branch,
    ref: t ?? base.ref,
    actor: t ? { name: t } : base.actor,
    commit: { ...base.commit, title: o.commit ?? base.commit?.title, message: o.commit ?? base.commit?.message },
    stages: [...(base.stages ?? []), ...(jobs.length ? [{ name: t ?? 'big', status: 'failed' as const, jobs }] : [])],
  }
}

const allMentions = f.route({ mentions: [f.people.alice, f.people.bob, f.people.carol] })

function checkDingTalk(i: RenderInput, o: { keyword?: string; full?: boolean; cut?: boolean } = {}) {
  const keyword = o.keyword ?? 'CI'
  for (const msgtype of ['markdown', 'actionCard', 'text'] as const) {
    const [m] = renderers.dingtalk.render({ ...i, target: f.dingtalkTarget({ msgtype, keyword }) })
    const body = dingBody(m)
    expect(bytes(body)).toBeLessThanOrEqual(DINGTALK_BODY_LIMIT)
    expect(valid(body)).toBe(true)
    const shown = JSON.stringify(m)
    expect(shown).toContain(keyword)
    expect(shown.includes('已截断')).toBe(o.cut ?? true)
    // the link survives: as a markdown link, a plain URL, or the card's button
    expect(shown).toContain('http://example.com/gitlab-org/gitlab-test/-/pipelines/31')
    // mentions survive: token in the body for every at entry
    const at = (m as { at: { atMobiles: string[]; atUserIds: string[] } }).at
    expect(at.atUserIds).toEqual(['alice01'])
    if (msgtype !== 'text') for (const id of [...at.atUserIds, ...at.atMobiles]) expect(shown).toContain(`@${id}`)
    // shortening does not throw away more than it must
    if (o.full) expect(bytes(body)).toBeGreaterThan(DINGTALK_BODY_LIMIT * 0.8)
  }
}

function checkWeCom(i: RenderInput, o: { full?: boolean; cut?: boolean } = {}) {
  const ms = renderers.wecom.render({ ...i, target: f.wecomTarget() }) as { markdown?: { content: string }; text?: { content: string } }[]
  expect(ms).toHaveLength(2)
  const md = ms[0].markdown!.content
  expect(bytes(md)).toBeLessThanOrEqual(WECOM_MARKDOWN_LIMIT)
  if (o.full) expect(bytes(md)).toBeGreaterThan(WECOM_MARKDOWN_LIMIT * 0.75)
  expect(valid(md)).toBe(true)
  expect(md.includes('已截断')).toBe(o.cut ?? true)
  expect(md).toContain('(http://example.com/gitlab-org/gitlab-test/-/pipelines/31)')
  expect(md).toContain('<@AliceW>')
  expect(bytes(ms[1].text!.content)).toBeLessThanOrEqual(WECOM_TEXT_LIMIT)
  const [txt] = renderers.wecom.render({ ...i, target: f.wecomTarget({ msgtype: 'text' }) }) as { text: { content: string } }[]
  expect(bytes(txt.text.content)).toBeLessThanOrEqual(WECOM_TEXT_LIMIT)
  if (o.full) expect(bytes(txt.text.content)).toBeGreaterThan(WECOM_TEXT_LIMIT * 0.6)
  expect(txt.text.content).toContain('http://example.com/gitlab-org/gitlab-test/-/pipelines/31')
}

describe('limits hold for huge inputs', () => {
  // full: the content is big everywhere, so a good shortening fills most of the budget
  const cases: [string, CommonEvent, boolean, boolean?][] = [
    ['10 000 failed jobs', hugeEvent({ jobs: 10_000 }), true],
    ['a 1 MB one-line commit message', hugeEvent({ commit: 'x'.repeat(1 << 20) }), false],
    ['a 1 MB commit message of CJK lines', hugeEvent({ commit: '修复构建失败的问题\n'.repeat(100_000) }), false, false],
    ['all-CJK names everywhere and 2 000 jobs', hugeEvent({ jobs: 2000, text: '中文项目名称'.repeat(2000) }), true],
    ['emoji everywhere (every cut lands near a surrogate pair)', hugeEvent({ jobs: 3000, text: '😀🎉'.repeat(3001), commit: 'a😀'.repeat(300_000) }), true],
    ['hostile markdown in every field', hugeEvent({ jobs: 500, text: '[x](http://evil)<@all>'.repeat(500) }), true],
  ]
  for (const [name, event, full, cut] of cases) {
    it(`${name}: DingTalk ≤ 20000 bytes with msgUuid, keyword, link, mentions and the marker kept`, () => {
      checkDingTalk(f.input(event, { route: allMentions }), { full, cut })
    })
    it(`${name}: WeCom markdown ≤ 4096 and text ≤ 2048 bytes`, () => {
      checkWeCom(f.input(event, { route: allMentions }), { full, cut })
    })
  }

  it('a 1 MB commit message shows its clipped first line only', () => {
    const [m] = renderers.dingtalk.render(f.input(hugeEvent({ commit: '修复构建失败的问题\n'.repeat(100_000) }))) as { markdown: { text: string } }[]
    expect(m.markdown.text).toContain(') 修复构建失败的问题\n- 触发人：')
    const [w] = renderers.dingtalk.render(f.input(hugeEvent({ commit: 'x'.repeat(1 << 20) }))) as { markdown: { text: string } }[]
    const line = w.markdown.text.split('\n').find((l) => l.startsWith('- 提交：'))!
    expect(line).toMatch(/ x+…$/)
    expect(bytes(line)).toBeLessThan(4096 + 200)
  })

  it('a huge job list is shortened before anything else, with a count of what is left out', () => {
    const [m] = renderers.wecom.render(f.input(hugeEvent({ jobs: 10_000 }), { target: f.wecomTarget() })) as { markdown: { content: string } }[]
    const md = m.markdown.content
    expect(md).toMatch(/> …另有 \d+ 项/)
    // facts and stages are intact
    expect(md).toContain('> 提交：[bcbb5ec3](')
    expect(md).toContain('> ✅ build · 30秒')
    const shown = md.match(/\[(job-\d+|test-build)\]/g)!.length
    expect(md).toContain(`…另有 ${10_000 + 1 - shown} 项`)
  })

  it('a long commit title is clipped on a character boundary with … before facts are dropped', () => {
    const [m] = renderers.wecom.render(f.input(hugeEvent({ commit: '提交'.repeat(5000) }), { target: f.wecomTarget() })) as { markdown: { content: string } }[]
    const line = m.markdown.content.split('\n').find((l) => l.startsWith('> 提交：'))!
    expect(line).toMatch(/^> 提交：\[bcbb5ec3\]\([^)]+\) (提交)+提?…$/)
    expect(m.markdown.content).toContain('> 触发人：Administrator')
  })

  describe('a huge unresolved actor name is clipped with … before any fact is dropped (issue 16 item 11)', () => {
    const family = '👨‍👩‍👧'
    const names = [
      ['5000 × N', 'N'.repeat(5000), 'N'],
      ['30 000 × N', 'N'.repeat(30_000), 'N'],
      ['ZWJ family emoji', family.repeat(4000), family],
      ['letters with combining accents', 'e\u0301'.repeat(6000), 'e\u0301'],
    ] as const
    const facts = ['分支：master', '编号：#31', '名称：Pipeline for branch: master', '提交：', '耗时：']
    /** The name as shown after `label`: whole units of `unit`, then `…`, never part of a character. */
    const clipped = (text: string, label: string, unit: string) => {
      const line = text.split('\n').find((l) => l.includes(label))!
      const shown = line.slice(line.indexOf(label) + label.length)
      expect(shown.endsWith('…')).toBe(true)
      expect(shown.slice(0, -1).split(unit).every((x) => x === '')).toBe(true)
      expect(shown.length).toBeGreaterThan(20)
    }
    for (const [what, name, unit] of names) {
      const event = { ...f.gitlabPipelineFailed(), actor: { name, username: 'nn' } }
      const route = f.route({ mentions: [{ as: 'actor', name, resolved: false }] })
      it(`${what}: DingTalk markdown, actionCard and text`, () => {
        for (const msgtype of ['markdown', 'actionCard', 'text'] as const) {
          const [m] = renderers.dingtalk.render(f.input(event, { route, target: f.dingtalkTarget({ msgtype }) }))
          expect(bytes(dingBody(m))).toBeLessThanOrEqual(DINGTALK_BODY_LIMIT)
          const text = ((m.markdown ?? m.actionCard ?? m.text) as { text?: string; content?: string })
          const body = text.text ?? text.content!
          for (const fact of facts) expect(body).toContain(fact)
          clipped(body, '触发人：', unit)
          // the mention line (the last line) shows the name clipped too
          if (msgtype !== 'text') {
            const last = body.split('\n').at(-1)!
            expect(last.endsWith('…')).toBe(true)
            expect(last.slice(0, -1).split(unit).every((x) => x === '')).toBe(true)
          }
        }
      })
      it(`${what}: WeCom markdown and text`, () => {
        for (const msgtype of ['markdown', 'text'] as const) {
          const ms = renderers.wecom.render(f.input(event, { route, target: f.wecomTarget({ msgtype }) })) as { markdown?: { content: string }; text?: { content: string } }[]
          expect(ms).toHaveLength(1)
          const body = ms[0].markdown?.content ?? ms[0].text!.content
          expect(bytes(body)).toBeLessThanOrEqual(msgtype === 'text' ? WECOM_TEXT_LIMIT : WECOM_MARKDOWN_LIMIT)
          for (const fact of facts) expect(body).toContain(fact)
          clipped(body, '触发人：', unit)
          expect(body).toContain('查看详情')
        }
      })
    }
  })

  describe('a link too long for the message is shortened or, last, dropped: never refused (issue 16 item 10)', () => {
    type Any = { markdown?: { text?: string; content?: string }; actionCard?: { text: string; singleURL: string }; text?: { content: string } }
    const bodyOf = (m: Any) => m.markdown?.text ?? m.markdown?.content ?? m.actionCard?.text ?? m.text!.content
    /** Every DingTalk type and WeCom type renders within its limit; returns the bodies by `platform/msgtype`. */
    function renderAll(event: CommonEvent, keyword?: string): Record<string, string> {
      const out: Record<string, string> = {}
      for (const msgtype of ['markdown', 'actionCard', 'text'] as const) {
        const [m] = renderers.dingtalk.render(f.input(event, { target: f.dingtalkTarget({ msgtype, keyword }) }))
        expect(bytes(dingBody(m))).toBeLessThanOrEqual(DINGTALK_BODY_LIMIT)
        out[`dingtalk/${msgtype}`] = bodyOf(m as Any) + ((m as Any).actionCard ? `\n[button](${(m as Any).actionCard!.singleURL})` : '')
      }
      for (const msgtype of ['markdown', 'text'] as const) {
        const ms = renderers.wecom.render(f.input(event, { target: f.wecomTarget({ msgtype }) })) as Any[]
        const body = bodyOf(ms[0])
        expect(bytes(body)).toBeLessThanOrEqual(msgtype === 'text' ? WECOM_TEXT_LIMIT : WECOM_MARKDOWN_LIMIT)
        out[`wecom/${msgtype}`] = body
      }
      return out
    }
    const deploy = (url: string): CommonEvent => {
      const e = fixtureEvent('github', 'deployment_status-created-success.json')
      // what the adapter makes of target_url (and environment_url) = url
      return { ...e, url, deployment: { ...e.deployment!, url } }
    }

    for (const [what, tail] of [
      ['2000 × @', '@'.repeat(2000)],
      ['1900 × 长', '长'.repeat(1900)],
    ] as const) {
      it(`GitHub deployment_status with target_url https://ci.example/ + ${what}: every platform, the link shortened to its origin`, () => {
        for (const [where, body] of Object.entries(renderAll(deploy(`https://ci.example/${tail}`)))) {
          expect(body, where).toContain('https://ci.example/')
          expect(body, where).not.toContain('%40%40')
          expect(body, where).not.toContain('%E9%95%BF')
          expect(body, where).toMatch(/部署成功/)
        }
      })
    }

    it('a 2040-character pipeline URL: whole where it fits, shortened to its path in a 2048-byte WeCom text', () => {
      const base = 'https://ci.example.com/group/app/-/pipelines/31?ref='
      const url = base + 'a'.repeat(2040 - base.length)
      const bodies = renderAll({ ...f.gitlabPipelineFailed(), url })
      for (const where of ['dingtalk/markdown', 'dingtalk/actionCard', 'dingtalk/text', 'wecom/markdown']) expect(bodies[where], where).toContain(url)
      const text = bodies['wecom/text']
      expect(text).not.toContain(url)
      expect(text).toMatch(/查看详情 https:\/\/ci\.example\.com\/group\/app\/-\/pipelines\/31$/)
      expect(text).toContain('…(已截断)')
      expect(text).toMatch(/^❌ 流水线失败\n项目：gitlab-org\/gitlab-test\n/)
      // the link gives way before the lists and facts do: every one is still there
      for (const fact of ['分支：master', '编号：#31', '触发人：Administrator', '耗时：', '- ❌ test · 17秒', '- ❌ test-build']) expect(text, fact).toContain(fact)
    })

    it('the link is shortened, then dropped, and the message still goes out, when little more than the heading fits', () => {
      // the keyword is written twice (title and text): 19 600 of DingTalk's 20 000 bytes
      const keyword = 'K'.repeat(9_800)
      const url = 'https://ci.example.com/' + 'p/'.repeat(300)
      const out = (msgtype: 'markdown' | 'actionCard') => {
        const [m] = renderers.dingtalk.render(f.input({ ...f.gitlabPipelineFailed(), url }, { target: f.dingtalkTarget({ msgtype, keyword }) }))
        expect(bytes(dingBody(m))).toBeLessThanOrEqual(DINGTALK_BODY_LIMIT)
        expect(JSON.stringify(m)).toContain(keyword)
        expect(JSON.stringify(m)).toContain('❌ 流水线失败')
        return m as { msgtype: string; markdown: { text: string } }
      }
      expect(out('markdown').markdown.text).toMatch(/\[查看详情\]\(https:\/\/ci\.example\.com\/\)$/)
      // a button costs more than a link line: the card has no room for one, and goes out as markdown without it
      const card = out('actionCard')
      expect(card.msgtype).toBe('markdown')
      expect(card.markdown.text).not.toContain('ci.example.com')
      expect(card.markdown.text).toContain('…(已截断)')
    })
  })

  it('a keyword survives any shortening', () => {
    checkDingTalk(f.input(hugeEvent({ jobs: 10_000, text: '很长'.repeat(9000) }), { route: allMentions }), { keyword: '【CI构建机器人】', full: true })
  })

  it('refuses (throws) rather than return a message the robot would reject, when even the bare heading cannot fit', () => {
    const i = f.input(f.jenkinsFailed(), { target: f.dingtalkTarget({ keyword: 'K'.repeat(30_000) }) })
    expect(() => renderers.dingtalk.render(i)).toThrow('message does not fit the platform limit')
  })

  it('a message that fits is not marked as cut', () => {
    const [m] = renderers.dingtalk.render(f.input(f.gitlabPipelineFailed())) as { markdown: { text: string } }[]
    expect(m.markdown.text).not.toContain('截断')
  })
})

describe('hostile text cannot inject links, tags or mentions', () => {
  const evil = (base: CommonEvent): CommonEvent => ({
    ...base,
    branch: '[x](http://evil)',
    ref: '[x](http://evil)',
    actor: { name: '<@all> @13800138000' },
    commit: { ...base.commit, title: '<font color="info">passed</font> [click](http://evil) @manager7675\n#### fake heading' },
  })
  const e = evil(f.gitlabPipelineFailed())

  it('DingTalk markdown', () => {
    const [m] = renderers.dingtalk.render(f.input(e)) as { markdown: { text: string }; at: unknown }[]
    const text = m.markdown.text
    expect(text).not.toContain('](http://evil')
    expect(text).not.toContain('[x]')
    expect(text).not.toContain('<font color="info">')
    expect(text).not.toMatch(/@13800138000|@manager7675|@all/)
    expect(text).not.toMatch(/^#### fake/m)
    expect(text).toContain('- 分支：［x］(http://evil)')
    expect(text).toContain('- 触发人：＜＠all＞ ＠13800138000')
    expect(m.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: false })
  })

  it('WeCom markdown and text', () => {
    const [md] = renderers.wecom.render(f.input(e, { target: f.wecomTarget() })) as { markdown: { content: string } }[]
    expect(md.markdown.content).not.toMatch(/<@all>|<font color="info">|\]\(http:\/\/evil/)
    const [txt] = renderers.wecom.render(f.input(e, { target: f.wecomTarget({ msgtype: 'text' }) })) as { text: { content: string } }[]
    expect(txt.text.content).not.toMatch(/<@all>|@13800138000/)
    expect(txt.text).not.toHaveProperty('mentioned_list')
  })

  it('a hostile unresolved name is neutralised too', () => {
    const r = f.route({ mentions: [{ as: 'x', name: '<@all>', resolved: false }] })
    const [md] = renderers.wecom.render(f.input(f.jenkinsFailed(), { route: r, target: f.wecomTarget() })) as { markdown: { content: string } }[]
    expect(md.markdown.content).not.toContain('<@all>')
    expect(md.markdown.content.endsWith('＜＠all＞')).toBe(true)
  })
})
