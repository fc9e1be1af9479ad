import { describe, expect, it } from 'vitest'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import { drain } from '../../src/render/gradual.js'
import * as f from './events.js'

/** Issue 16 item 12: what the messages say, on both platforms. */
type Any = { markdown?: { title?: string; text?: string; content?: string }; actionCard?: { title: string; text: string }; text?: { content: string } }
const body = (m: RobotMessage) => {
  const a = m as Any
  return a.markdown?.text ?? a.markdown?.content ?? a.actionCard?.text ?? a.text!.content
}
/** The first message's body on each platform and message type. */
function bodies(i: RenderInput): Record<string, string> {
  const out: Record<string, string> = {}
  for (const msgtype of ['markdown', 'actionCard', 'text'] as const) out[`dingtalk/${msgtype}`] = body(renderers.dingtalk.render({ ...i, target: f.dingtalkTarget({ msgtype }) })[0])
  for (const msgtype of ['markdown', 'text'] as const) out[`wecom/${msgtype}`] = body(renderers.wecom.render({ ...i, target: f.wecomTarget({ msgtype }) })[0])
  return out
}

describe('a deploy is not a build: its transition says deploy (a)', () => {
  const cases = [
    ['zh-CN', 'broken', 'failed', '❌ 部署失败 · 💥 部署被破坏'],
    ['zh-CN', 'fixed', 'success', '✅ 部署成功 · 🎉 部署已修复'],
    ['en', 'broken', 'failed', '❌ Deploy failed · 💥 Deploy broken'],
    ['en', 'fixed', 'success', '✅ Deploy succeeded · 🎉 Deploy fixed'],
  ] as const
  for (const [locale, transition, status, heading] of cases) {
    it(`${locale} ${transition}: ${heading}`, () => {
      const event = { ...f.gitlabDeploy(), status }
      for (const [where, b] of Object.entries(bodies(f.input(event, { locale, transition })))) expect(b, where).toContain(heading)
    })
  }
  it('a pipeline still breaks and fixes the build', () => {
    const b = bodies(f.input(f.gitlabPipelineFailed(), { transition: 'broken' }))
    for (const [where, text] of Object.entries(b)) expect(text, where).toContain('❌ 流水线失败 · 💥 构建被破坏')
    const en = bodies(f.input({ ...f.gitlabPipelineFailed(), status: 'success' }, { transition: 'fixed', locale: 'en' }))
    for (const [where, text] of Object.entries(en)) expect(text, where).toContain('✅ Pipeline succeeded · 🎉 Fixed')
  })
})

describe('the keyword is not written again where the heading already holds it (b)', () => {
  const keyword = '构建'
  const target = (msgtype: 'markdown' | 'text') => f.dingtalkTarget({ keyword, msgtype })
  it('a digest: 16 条构建通知, not 构建 16 条构建通知', () => {
    for (const msgtype of ['markdown', 'text'] as const) {
      const inputs = Array.from({ length: 16 }, (_, n) => f.input({ ...f.gitlabPipelineFailed(), number: n + 1, id: `e${n}` }, { target: target(msgtype) }))
      const [m] = drain(renderers.dingtalk.digest(inputs)) as Any[]
      const text = body(m as RobotMessage)
      expect(text.match(/构建/g), msgtype).toHaveLength(1)
      expect(text, msgtype).toMatch(/^(#### <font color=#[0-9A-F]+>)?16 条构建通知/)
      if (m.markdown) expect(m.markdown.title).toBe('16 条构建通知')
    }
  })
  it('a single message: prefixed unless its heading says 构建', () => {
    const [pipeline] = renderers.dingtalk.render(f.input(f.gitlabPipelineFailed(), { target: target('markdown') })) as Any[]
    expect(pipeline.markdown!.title).toBe('构建 ❌ 流水线失败 gitlab-org/gitlab-test #31')
    const [build] = renderers.dingtalk.render(f.input({ ...f.jenkinsFailed(), kind: 'build' }, { target: target('markdown') })) as Any[]
    expect(build.markdown!.title).toMatch(/^❌ 构建失败 /)
    expect(build.markdown!.text).toMatch(/^#### <font color=#F5222D>❌ 构建失败<\/font>/)
  })
})

describe('the actor is named the same way on every source, in templates too (c)', () => {
  const github = { ...f.githubRunFailed(), actor: { username: 'chenjing-gh' } }
  const gitlab = { ...f.gitlabPipelineFailed(), actor: { username: 'chenjing', name: 'Jing C.' } }
  it('the 触发人 line shows the directory name on GitHub and GitLab alike, on both platforms', () => {
    for (const e of [github, gitlab]) for (const [where, b] of Object.entries(bodies(f.input(e, { actorName: '陈静' })))) expect(b, where).toContain('触发人：陈静')
    for (const [where, b] of Object.entries(bodies(f.input(github)))) expect(b, where).toContain('触发人：chenjing-gh')
  })
  it('{{actor_text}} says what the 触发人 line says', () => {
    const template = { title: '{{actor_text}} 触发了 {{project.path}}' }
    for (const e of [github, gitlab]) {
      const [d] = renderers.dingtalk.render(f.input(e, { actorName: '陈静', route: f.route({ template }) })) as Any[]
      expect(d.markdown!.text).toMatch(/^#### <font color=#[0-9A-F]+>陈静 触发了 /)
      const [w] = renderers.wecom.render(f.input(e, { actorName: '陈静', route: f.route({ template }), target: f.wecomTarget() })) as Any[]
      expect(w.markdown!.content).toMatch(/^### <font color="\w+">陈静 触发了 /)
    }
    const [plain] = renderers.wecom.render(f.input(github, { route: f.route({ template }), target: f.wecomTarget({ msgtype: 'text' }) })) as Any[]
    expect(plain.text!.content).toMatch(/^chenjing-gh 触发了 /)
  })
})

describe('people known only by name are set apart in the mention line (d)', () => {
  const wang = { as: 'author', name: 'Contractor Wang', resolved: false }
  const bot = { as: 'actor', name: 'Renovate Bot', resolved: false }
  const route = f.route({ mentions: [f.people.alice, wang, bot] })
  const last = (b: string) => b.split('\n').at(-1)
  it('zh-CN: 、 between names, a space before the first', () => {
    const b = bodies(f.input(f.gitlabPipelineFailed(), { route }))
    expect(last(b['dingtalk/markdown'])).toBe('@alice01 Contractor Wang、Renovate Bot')
    expect(last(b['dingtalk/actionCard'])).toBe('@alice01 Contractor Wang、Renovate Bot')
    expect(last(b['dingtalk/text'])).toBe('Contractor Wang、Renovate Bot')
    expect(last(b['wecom/markdown'])).toBe('<@AliceW> Contractor Wang、Renovate Bot')
    expect(last(b['wecom/text'])).toBe('Contractor Wang、Renovate Bot')
  })
  it('en: a comma between names', () => {
    const b = bodies(f.input(f.gitlabPipelineFailed(), { route, locale: 'en' }))
    expect(last(b['dingtalk/markdown'])).toBe('@alice01 Contractor Wang, Renovate Bot')
    expect(last(b['wecom/text'])).toBe('Contractor Wang, Renovate Bot')
  })
})

describe('markup from CI data is shown, not rendered, on each platform (e)', () => {
  const project = (path: string) => ({ ...f.gitlabPipelineFailed().project, path })
  it('a trailing \\ in a project name cannot break the link around it', () => {
    const b = bodies(f.input({ ...f.gitlabPipelineFailed(), project: project('grp/x\\') }))
    expect(b['dingtalk/markdown']).toContain('项目：[grp/x＼](http://192.168.64.1:3005/gitlab-org/gitlab-test)')
    expect(b['wecom/markdown']).toContain('项目：[grp/x＼](http://192.168.64.1:3005/gitlab-org/gitlab-test)')
    // plain text renders nothing: the name as it is
    expect(b['dingtalk/text']).toContain('项目：grp/x\\\n')
    expect(b['wecom/text']).toContain('项目：grp/x\\\n')
  })

  it('_x_ and ~~x~~ do not become italics or strike-through on DingTalk; words with _ stay as they are', () => {
    const e = { ...f.gitlabPipelineFailed(), branch: 'feature_login', commit: { ...f.gitlabPipelineFailed().commit, title: '_x_ and ~~y~~ in __init__.py' } }
    const b = bodies(f.input(e))
    for (const where of ['dingtalk/markdown', 'dingtalk/actionCard']) {
      expect(b[where], where).toContain(' ＿x＿ and ～～y～～ in ＿＿init＿＿.py\n')
      expect(b[where], where).toContain('分支：feature_login\n')
    }
    // WeCom markdown (v1) has no italics or strike-through: nothing to change; plain text never changes
    for (const where of ['wecom/markdown', 'dingtalk/text', 'wecom/text']) expect(b[where], where).toContain(' _x_ and ~~y~~ in __init__.py\n')
  })

  it("a template value at a line start cannot make a heading or a list item, in the syntax of the target's format", () => {
    const template = { body: '{{commit.title}}\n{{branch}}\n{{actor.name}}\n{{name}}\n{{environment}}' }
    const e = { ...f.gitlabPipelineFailed(), branch: '- not a list', actor: { name: '1. not a list' }, name: '===', commit: { title: '# not a heading' }, environment: '_wip_ ~x~' }
    const asIs = ['# not a heading', '- not a list', '1. not a list', '===', '_wip_ ~x~']
    const expected: Record<string, string[]> = {
      // DingTalk's markdown renders lists, setext headings, italics and strike-through
      'dingtalk/markdown': ['＃ not a heading', '－ not a list', '1． not a list', '＝==', '＿wip＿ ～x～'],
      'dingtalk/actionCard': ['＃ not a heading', '－ not a list', '1． not a list', '＝==', '＿wip＿ ～x～'],
      // WeCom's markdown v1 has headings but no lists, italics or strike-through: only the `#` would be syntax
      'wecom/markdown': ['＃ not a heading', '- not a list', '1. not a list', '===', '_wip_ ~x~'],
      // a text message shows every character as it is
      'dingtalk/text': asIs,
      'wecom/text': asIs,
    }
    const all = bodies(f.input(e, { route: f.route({ template }) }))
    expect(Object.keys(all).sort()).toEqual(Object.keys(expected).sort())
    for (const [where, b] of Object.entries(all)) {
      for (const l of expected[where]) expect(b.split('\n'), where).toContain(l)
    }
  })

  it('a name that starts the mention line cannot make it a heading', () => {
    const route = f.route({ mentions: [{ as: 'actor', name: '# Bot', resolved: false }] })
    const b = bodies(f.input(f.gitlabPipelineFailed(), { route }))
    expect(b['dingtalk/markdown'].split('\n').at(-1)).toBe('＃ Bot')
    expect(b['wecom/markdown'].split('\n').at(-1)).toBe('＃ Bot')
    expect(b['dingtalk/text']).not.toContain('＃')
  })
})
