import { describe, expect, it } from 'vitest'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput } from '../../src/render/types.js'
import * as f from './events.js'

type Ding = {
  msgtype: string
  markdown?: { title: string; text: string }
  actionCard?: { title: string; text: string; singleTitle: string; singleURL: string; btnOrientation: string }
  text?: { content: string }
  at: { atMobiles: string[]; atUserIds: string[]; isAtAll: boolean }
}
const render = (i: RenderInput) => renderers.dingtalk.render(i) as Ding[]
const one = (i: RenderInput): Ding => {
  const ms = render(i)
  expect(ms).toHaveLength(1)
  return ms[0]
}
const mentions = f.route({ mentions: [f.people.alice, f.people.bob, f.people.carol] })
const lines = (...l: string[]) => l.join('\n')

describe('dingtalk markdown, exact text from real fixtures', () => {
  it('failed GitLab pipeline that broke the build, zh-CN', () => {
    const m = one(f.input(f.gitlabPipelineFailed(), { route: mentions, transition: 'broken', target: f.dingtalkTarget({ keyword: 'CI' }) }))
    expect(m.msgtype).toBe('markdown')
    expect(m.markdown!.title).toBe('CI ❌ 流水线失败 · 💥 构建被破坏 gitlab-org/gitlab-test #31')
    expect(m.markdown!.text).toBe(
      lines(
        '#### <font color=#F5222D>CI ❌ 流水线失败 · 💥 构建被破坏</font>',
        '',
        '- 项目：[gitlab-org/gitlab-test](http://192.168.64.1:3005/gitlab-org/gitlab-test)',
        '- 分支：master',
        '- 编号：#31',
        '- 名称：Pipeline for branch: master',
        '- 提交：[bcbb5ec3](http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2) test',
        '- 触发人：Administrator',
        '- 合并请求：[!1 Test](http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1)',
        '- 耗时：1分3秒',
        '- 完成时间：2016-08-12 23:26:29 +08:00',
        '',
        '**阶段**',
        '- ✅ build · 30秒',
        '- ❌ test · 17秒',
        '- ⏳ deploy',
        '',
        '**失败的作业**',
        '- ❌ [test-build](http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/378) · test · script_failure',
        '',
        '[查看详情](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)',
        '',
        '@alice01 @13800000002 Carol',
      ),
    )
    expect(m.at).toEqual({ atMobiles: ['13800000002'], atUserIds: ['alice01'], isAtAll: false })
  })

  it('failed GitLab pipeline, en, other timezone, no transition', () => {
    const m = one(f.input(f.gitlabPipelineFailed(), { locale: 'en', timezone: 'Europe/Berlin' }))
    expect(m.markdown!.title).toBe('❌ Pipeline failed gitlab-org/gitlab-test #31')
    expect(m.markdown!.text).toBe(
      lines(
        '#### <font color=#F5222D>❌ Pipeline failed</font>',
        '',
        '- Project: [gitlab-org/gitlab-test](http://192.168.64.1:3005/gitlab-org/gitlab-test)',
        '- Branch: master',
        '- Number: #31',
        '- Name: Pipeline for branch: master',
        '- Commit: [bcbb5ec3](http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2) test',
        '- Triggered by: Administrator',
        '- Merge request: [!1 Test](http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1)',
        '- Duration: 1m 3s',
        '- Finished: 2016-08-12 17:26:29 +02:00',
        '',
        '**Stages**',
        '- ✅ build · 30s',
        '- ❌ test · 17s',
        '- ⏳ deploy',
        '',
        '**Failed jobs**',
        '- ❌ [test-build](http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/378) · test · script_failure',
        '',
        '[View details](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)',
      ),
    )
    expect(m.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: false })
  })

  it('failed GitHub workflow run, zh-CN and en', () => {
    const zh = one(f.input(f.githubRunFailed(), { transition: 'still_failing' }))
    expect(zh.markdown!.text).toBe(
      lines(
        '#### <font color=#F5222D>❌ 流水线失败 · 🔁 仍然失败</font>',
        '',
        '- 项目：[octo-org/octo-repo](https://github.com/octo-org/octo-repo)',
        '- 分支：master',
        '- 编号：#163',
        '- 名称：test',
        '- 提交：[3484a3fb](https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625) build(test): check workflow run event payload',
        '- 触发人：Codertocat',
        '- 耗时：0秒',
        '- 完成时间：2020-10-06 00:33:49 +08:00',
        '',
        '[查看详情](https://github.com/octo-org/octo-repo/actions/runs/289782451)',
      ),
    )
    const en = one(f.input(f.githubRunFailed(), { locale: 'en', transition: 'still_failing' }))
    expect(en.markdown!.title).toBe('❌ Pipeline failed · 🔁 Still failing octo-org/octo-repo #163')
    expect(en.markdown!.text.split('\n').slice(0, 3)).toEqual([
      '#### <font color=#F5222D>❌ Pipeline failed · 🔁 Still failing</font>',
      '',
      '- Project: [octo-org/octo-repo](https://github.com/octo-org/octo-repo)',
    ])
    expect(en.markdown!.text).toContain('- Duration: 0s\n- Finished: 2020-10-06 00:33:49 +08:00')
  })

  it('failed Jenkins build, zh-CN and en', () => {
    const zh = one(f.input(f.jenkinsFailed()))
    expect(zh.markdown!.text).toBe(
      lines(
        '#### <font color=#F5222D>❌ 流水线失败</font>',
        '',
        '- 项目：[asgard](http://localhost:8080/job/asgard/)',
        '- 分支：master',
        '- 编号：#18',
        '- 提交：c6d86dc6',
        '',
        '[查看详情](http://localhost:8080/job/asgard/18/)',
      ),
    )
    const en = one(f.input(f.jenkinsFailed(), { locale: 'en', transition: 'fixed' }))
    expect(en.markdown!.text).toBe(
      lines(
        '#### <font color=#F5222D>❌ Pipeline failed · 🎉 Fixed</font>',
        '',
        '- Project: [asgard](http://localhost:8080/job/asgard/)',
        '- Branch: master',
        '- Number: #18',
        '- Commit: c6d86dc6',
        '',
        '[View details](http://localhost:8080/job/asgard/18/)',
      ),
    )
  })

  it('GitLab deployment, zh-CN and en', () => {
    const zh = one(f.input(f.gitlabDeploy()))
    expect(zh.markdown!.title).toBe('✅ 部署成功 root/test-deployment-webhooks #15')
    expect(zh.markdown!.text).toBe(
      lines(
        '#### <font color=#52C41A>✅ 部署成功</font>',
        '',
        '- 项目：[root/test-deployment-webhooks](http://10.126.0.2:3000/root/test-deployment-webhooks)',
        '- 编号：#15',
        '- 提交：[279484c0](http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468) Add new file',
        '- 触发人：Administrator',
        '- 环境：staging',
        '- 版本：279484c0',
        '- 部署地址：[https://staging.example.com/](https://staging.example.com/)',
        '- 完成时间：2021-04-29 03:50:00 +08:00',
        '',
        '[查看详情](http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796)',
      ),
    )
    const en = one(f.input(f.gitlabDeploy(), { locale: 'en' }))
    expect(en.markdown!.text).toContain(
      lines('- Environment: staging', '- Version: 279484c0', '- Deployment: [https://staging.example.com/](https://staging.example.com/)'),
    )
    expect(en.markdown!.text.split('\n')[0]).toBe('#### <font color=#52C41A>✅ Deploy succeeded</font>')
  })
})

describe('dingtalk message types', () => {
  it('actionCard: the link becomes a "查看详情" button, mentions stay as tokens', () => {
    const m = one(f.input(f.gitlabPipelineFailed(), { route: mentions, target: f.dingtalkTarget({ msgtype: 'actionCard', keyword: 'CI' }) }))
    expect(m.msgtype).toBe('actionCard')
    const card = m.actionCard!
    expect(card).toMatchObject({
      title: 'CI ❌ 流水线失败 gitlab-org/gitlab-test #31',
      singleTitle: '查看详情',
      singleURL: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
      btnOrientation: '0',
    })
    expect(card.text).not.toContain('[查看详情]')
    expect(card.text.startsWith('#### <font color=#F5222D>CI ❌ 流水线失败</font>')).toBe(true)
    expect(card.text.endsWith('@alice01 @13800000002 Carol')).toBe(true)
  })

  it('actionCard with @all writes the @所有人 token and no individuals', () => {
    const m = one(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.alice], all: true }), target: f.dingtalkTarget({ msgtype: 'actionCard' }) }))
    expect(m.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: true })
    expect(m.actionCard!.text.endsWith('\n\n@所有人')).toBe(true)
    expect(m.actionCard!.text).not.toContain('@alice01')
  })

  it('actionCard without any URL falls back to markdown (a button needs a URL)', () => {
    const e = { ...f.jenkinsFailed(), url: undefined, project: { name: 'asgard', path: 'asgard' } }
    expect(one(f.input(e, { target: f.dingtalkTarget({ msgtype: 'actionCard' }) })).msgtype).toBe('markdown')
  })

  it('text: plain content, at lists only (DingTalk renders text mentions itself), unresolved by name', () => {
    const m = one(f.input(f.gitlabPipelineFailed(), { route: mentions, locale: 'en', target: f.dingtalkTarget({ msgtype: 'text', keyword: 'CI' }) }))
    expect(m.msgtype).toBe('text')
    expect(m.text!.content).toBe(
      lines(
        'CI ❌ Pipeline failed',
        'Project: gitlab-org/gitlab-test',
        'Branch: master',
        'Number: #31',
        'Name: Pipeline for branch: master',
        'Commit: bcbb5ec3 test',
        'Triggered by: Administrator',
        'Merge request: !1 Test http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1',
        'Duration: 1m 3s',
        'Finished: 2016-08-12 23:26:29 +08:00',
        'Stages:',
        '- ✅ build · 30s',
        '- ❌ test · 17s',
        '- ⏳ deploy',
        'Failed jobs:',
        '- ❌ test-build http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/378 · test · script_failure',
        'View details http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
        'Carol',
      ),
    )
    expect(m.at).toEqual({ atMobiles: ['13800000002'], atUserIds: ['alice01'], isAtAll: false })
  })

  it('never sets msgUuid (the sender adds it)', () => {
    for (const msgtype of ['markdown', 'actionCard', 'text'] as const) {
      expect(one(f.input(f.gitlabPipelineFailed(), { target: f.dingtalkTarget({ msgtype }) }))).not.toHaveProperty('msgUuid')
    }
  })
})

describe('dingtalk mentions', () => {
  it('every resolved mention has both the at entry and the @token in the text; userId preferred over mobile', () => {
    const withBoth = { as: 'x', name: 'Dora', resolved: true, ids: { dingtalk: 'dora9' }, mobile: '13900000009' }
    const m = one(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [withBoth, f.people.bob] }) }))
    expect(m.at).toEqual({ atMobiles: ['13800000002'], atUserIds: ['dora9'], isAtAll: false })
    for (const id of [...m.at.atUserIds, ...m.at.atMobiles]) expect(m.markdown!.text).toContain(`@${id}`)
    expect(m.markdown!.text).not.toContain('13900000009')
  })

  it('unresolved people are written by name, without @, and are not in at', () => {
    const m = one(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.carol] }) }))
    expect(m.markdown!.text.endsWith('\n\nCarol')).toBe(true)
    expect(m.markdown!.text).not.toContain('@Carol')
    expect(m.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: false })
  })

  it('a person named twice (author and actor) is mentioned once', () => {
    const m = one(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.alice, { ...f.people.alice, as: 'actor' }] }) }))
    expect(m.at.atUserIds).toEqual(['alice01'])
    expect(m.markdown!.text.match(/@alice01/g)).toHaveLength(1)
  })

  it('markdown with @all: isAtAll, the @所有人 token, no individual tokens or at entries', () => {
    const m = one(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.alice, f.people.bob], all: true }) }))
    expect(m.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: true })
    expect(m.markdown!.text).toContain('@所有人')
    expect(m.markdown!.text).not.toMatch(/@alice01|@13800000002/)
  })

  it('the keyword is written verbatim in the title and the text', () => {
    const m = one(f.input(f.jenkinsFailed(), { target: f.dingtalkTarget({ keyword: '【构建通知】' }) }))
    expect(m.markdown!.title.startsWith('【构建通知】 ')).toBe(true)
    expect(m.markdown!.text).toContain('【构建通知】')
  })
})
