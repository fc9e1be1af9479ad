import { describe, expect, it } from 'vitest'
import type { CommonEvent } from '../../src/event.js'
import { renderers } from '../../src/platforms/index.js'
import { templateView } from '../../src/render/template.js'
import * as f from './events.js'

type Ding = { markdown: { title: string; text: string }; at: { atUserIds: string[] } }
type WeCom = { msgtype: string; markdown?: { content: string }; text?: { content: string } }
const lines = (...l: string[]) => l.join('\n')

const tpl = {
  title: '{{mark}} {{project.path}} {{kind_text}}{{status_text}} {{transition_text}}',
  body: lines('**分支** {{branch_or_tag}} · #{{number}}', '**提交** {{short_sha}} {{commit.title}}', '**耗时** {{duration_text}}, {{finished_at_local}}', '[流水线]({{url}})'),
}

describe('rule templates', () => {
  it('renders title and body from the event, then the link, keyword and mentions like a built-in message', () => {
    const i = f.input(f.gitlabPipelineFailed(), {
      route: f.route({ mentions: [f.people.alice, f.people.carol], template: tpl }),
      transition: 'broken',
      target: f.dingtalkTarget({ keyword: 'CI' }),
    })
    const [m] = renderers.dingtalk.render(i) as Ding[]
    expect(m.markdown.title).toBe('CI ❌ gitlab-org/gitlab-test 流水线失败 💥 构建被破坏 gitlab-org/gitlab-test #31')
    expect(m.markdown.text).toBe(
      lines(
        '#### <font color=#F5222D>CI ❌ gitlab-org/gitlab-test 流水线失败 💥 构建被破坏</font>',
        '',
        '**分支** master · #31',
        '**提交** bcbb5ec3 test',
        '**耗时** 1分3秒, 2016-08-12 23:26:29 +08:00',
        '[流水线](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)',
        '',
        '[查看详情](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)',
        '',
        '@alice01 Carol',
      ),
    )
    expect(m.at.atUserIds).toEqual(['alice01'])
  })

  it('a title-only template keeps the built-in body; WeCom gets its follow-up text as usual', () => {
    const i = f.input(f.jenkinsFailed(), { route: f.route({ mentions: [f.people.bob], template: { title: '{{project.name}} 挂了' } }), target: f.wecomTarget() })
    const ms = renderers.wecom.render(i) as WeCom[]
    expect(ms[0].markdown!.content).toBe(
      lines(
        '### <font color="warning">asgard 挂了</font>',
        '',
        '> 项目：[asgard](http://localhost:8080/job/asgard/)',
        '> 分支：master',
        '> 编号：#18',
        '> 提交：c6d86dc6',
        '',
        '[查看详情](http://localhost:8080/job/asgard/18/)',
      ),
    )
    expect(ms[1]).toEqual({ msgtype: 'text', text: { content: 'asgard 挂了 asgard #18', mentioned_mobile_list: ['13800000002'] } })
  })

  it('event data is neutralised, also through {{{triple}}} mustaches, and URL fields are made safe', () => {
    const e: CommonEvent = { ...f.gitlabPipelineFailed(), branch: '[x](http://evil)', url: 'javascript:alert(1)', commit: { title: '<@all> @13800138000 <font color="info">' } }
    const i = f.input(e, { route: f.route({ template: { body: '{{branch}} / {{{branch}}} / {{{commit.title}}} / <{{url}}>' } }), target: f.wecomTarget() })
    const [m] = renderers.wecom.render(i) as WeCom[]
    expect(m.markdown!.content).toContain('［x］(http://evil) / ［x］(http://evil) / ＜＠all＞ ＠13800138000 ＜font color="info"＞ / <>')
  })

  it('the view offers the event fields plus ready-made words', () => {
    const v = templateView(f.input(f.gitlabPipelineFailed(), { locale: 'en', transition: 'fixed' }))
    expect(v).toMatchObject({
      mark: '❌',
      status_text: 'failed',
      kind_text: 'Pipeline',
      transition: 'fixed',
      transition_text: '🎉 Fixed',
      short_sha: 'bcbb5ec3',
      branch_or_tag: 'master',
      duration_text: '1m 3s',
      finished_at_local: '2016-08-12 23:26:29 +08:00',
      project: { path: 'gitlab-org/gitlab-test' },
      failed_jobs: [{ name: 'test-build', stage: 'test', failure_reason: 'script_failure' }],
    })
  })

  it('a template that expands past the limit is cut by bytes with the marker, keeping link and mentions', () => {
    const base = f.gitlabPipelineFailed()
    const jobs = Array.from({ length: 10_000 }, (_, k) => ({ name: `作业-${k}`, status: 'failed' as const, url: `https://ci.example.com/jobs/${k}` }))
    const e: CommonEvent = { ...base, stages: [{ name: 'big', status: 'failed', jobs }] }
    const route = f.route({ mentions: [f.people.alice, f.people.bob], template: { title: '{{{commit.message}}}', body: '{{#failed_jobs}}- [{{name}}]({{url}})\n{{/failed_jobs}}' } })
    const [w, follow] = renderers.wecom.render(f.input(e, { route, target: f.wecomTarget() })) as WeCom[]
    const md = w.markdown!.content
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(4096)
    expect(Buffer.byteLength(md)).toBeGreaterThan(3500)
    expect(md).toMatch(/\n- \[作业-\d+\]\(https:\/\/ci\.example\.com\/jobs\/\d+\)\n…\n\n…\(已截断\)\n\[查看详情\]\(http:\/\/example\.com\/gitlab-org\/gitlab-test\/-\/pipelines\/31\)\n\n<@AliceW>$/)
    expect(follow.text!.content.length).toBeLessThan(200)
    const [d] = renderers.dingtalk.render(f.input(e, { route, target: f.dingtalkTarget({ keyword: 'KW' }) })) as Ding[]
    expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThanOrEqual(20_000 - 100)
    expect(d.markdown.text).toContain('KW')
    expect(d.markdown.text).toContain('@alice01 @13800000002')
  })
})
