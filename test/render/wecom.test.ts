import { describe, expect, it } from 'vitest'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput } from '../../src/render/types.js'
import * as f from './events.js'

type WeCom = {
  msgtype: string
  markdown?: { content: string }
  text?: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] }
}
const render = (i: RenderInput) => renderers.wecom.render({ ...i, target: i.target.type === 'wecom' ? i.target : f.wecomTarget() }) as WeCom[]
const lines = (...l: string[]) => l.join('\n')

describe('wecom markdown, exact text from real fixtures', () => {
  it('failed GitLab pipeline, zh-CN: <font> colour, > facts, <@userid>, a text follow-up for the mobile-only person', () => {
    const ms = render(f.input(f.gitlabPipelineFailed(), { route: f.route({ mentions: [f.people.alice, f.people.bob, f.people.carol] }), transition: 'broken' }))
    expect(ms).toEqual([
      {
        msgtype: 'markdown',
        markdown: {
          content: lines(
            '### <font color="warning">❌ 流水线失败 · 💥 构建被破坏</font>',
            '',
            '> 项目：[gitlab-org/gitlab-test](http://192.168.64.1:3005/gitlab-org/gitlab-test)',
            '> 分支：master',
            '> 编号：#31',
            '> 名称：Pipeline for branch: master',
            '> 提交：[bcbb5ec3](http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2) test',
            '> 触发人：Administrator',
            '> 合并请求：[!1 Test](http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1)',
            '> 耗时：1分3秒',
            '> 完成时间：2016-08-12 23:26:29 +08:00',
            '',
            '**阶段**',
            '> ✅ build · 30秒',
            '> ❌ test · 17秒',
            '> ⏳ deploy',
            '',
            '**失败的作业**',
            '> ❌ [test-build](http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/378) · test · script_failure',
            '',
            '[查看详情](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)',
            '',
            '<@AliceW> Carol',
          ),
        },
      },
      {
        msgtype: 'text',
        text: { content: '❌ 流水线失败 · 💥 构建被破坏 gitlab-org/gitlab-test #31', mentioned_mobile_list: ['13800000002'] },
      },
    ])
  })

  it('GitHub run, Jenkins build and a deploy in en: one markdown message when nobody needs the text follow-up', () => {
    const gh = render(f.input(f.githubRunFailed(), { locale: 'en', route: f.route({ mentions: [f.people.alice] }) }))
    expect(gh).toHaveLength(1)
    expect(gh[0].markdown!.content).toBe(
      lines(
        '### <font color="warning">❌ Pipeline failed</font>',
        '',
        '> Project: [octo-org/octo-repo](https://github.com/octo-org/octo-repo)',
        '> Branch: master',
        '> Number: #163',
        '> Name: test',
        '> Commit: [3484a3fb](https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625) build(test): check workflow run event payload',
        '> Triggered by: Codertocat',
        '> Duration: 0s',
        '> Finished: 2020-10-06 00:33:49 +08:00',
        '',
        '[View details](https://github.com/octo-org/octo-repo/actions/runs/289782451)',
        '',
        '<@AliceW>',
      ),
    )
    expect(render(f.input(f.jenkinsFailed(), { locale: 'en' }))[0].markdown!.content).toBe(
      lines(
        '### <font color="warning">❌ Pipeline failed</font>',
        '',
        '> Project: [asgard](http://localhost:8080/job/asgard/)',
        '> Branch: master',
        '> Number: #18',
        '> Commit: c6d86dc6',
        '',
        '[View details](http://localhost:8080/job/asgard/18/)',
      ),
    )
    expect(render(f.input(f.gitlabDeploy(), { locale: 'en', transition: 'fixed' }))[0].markdown!.content).toBe(
      lines(
        '### <font color="info">✅ Deploy succeeded · 🎉 Deploy fixed</font>',
        '',
        '> Project: [root/test-deployment-webhooks](http://10.126.0.2:3000/root/test-deployment-webhooks)',
        '> Number: #15',
        '> Commit: [279484c0](http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468) Add new file',
        '> Triggered by: Administrator',
        '> Environment: staging',
        '> Version: 279484c0',
        '> Deployment: [https://staging.example.com/](https://staging.example.com/)',
        '> Finished: 2021-04-29 03:50:00 +08:00',
        '',
        '[View details](http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796)',
      ),
    )
  })
})

describe('wecom mentions', () => {
  it('@all cannot be said in markdown: a text follow-up carries mentioned_list ["@all"]', () => {
    const ms = render(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.alice], all: true }) }))
    expect(ms).toHaveLength(2)
    expect(ms[0].markdown!.content.endsWith('\n\n<@AliceW>')).toBe(true)
    expect(ms[1]).toEqual({ msgtype: 'text', text: { content: '❌ 流水线失败 asgard #18', mentioned_list: ['@all'] } })
  })

  it('a person with a wecom id is only mentioned inline; unresolved only by name, never with <@', () => {
    const ms = render(f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.alice, f.people.carol] }) }))
    expect(ms).toHaveLength(1)
    expect(ms[0].markdown!.content).toContain('<@AliceW>')
    expect(ms[0].markdown!.content).not.toContain('<@Carol>')
    expect(ms[0].markdown!.content.endsWith(' Carol')).toBe(true)
  })

  it('msgtype text: one message, the mention lists carry everyone (ids, @all, mobiles)', () => {
    const ms = render(
      f.input(f.jenkinsFailed(), {
        route: f.route({ mentions: [f.people.alice, f.people.bob, f.people.carol], all: true }),
        target: f.wecomTarget({ msgtype: 'text' }),
      }),
    )
    expect(ms).toEqual([
      {
        msgtype: 'text',
        text: {
          content: lines('❌ 流水线失败', '项目：asgard', '分支：master', '编号：#18', '提交：c6d86dc6', '查看详情 http://localhost:8080/job/asgard/18/', 'Carol'),
          mentioned_list: ['AliceW', '@all'],
          mentioned_mobile_list: ['13800000002'],
        },
      },
    ])
  })
})
