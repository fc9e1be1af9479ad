import { describe, expect, it } from 'vitest'
import { deploySucceeded, pipelineFailed } from '../../src/render/example-events.js'
import { renderExamples } from '../../src/platforms/examples.js'
import { fixtureEvent } from './events.js'

const { id: _a, received_at: _b, ...pipelineFields } = pipelineFailed
const { id: _c, received_at: _d, ...deployFields } = deploySucceeded

describe('renderExamples (the gallery of docs/messages.md)', () => {
  it('is deterministic', () => {
    expect(renderExamples()).toBe(renderExamples())
  })

  it('covers each kind on each platform, plus a digest', () => {
    const out = renderExamples()
    const sections = [...out.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    expect(sections).toEqual([
      'dingtalk · pipeline failed (broken) · zh-CN',
      'dingtalk · build succeeded (fixed) · en',
      'dingtalk · deploy succeeded · zh-CN',
      'dingtalk · digest of 3 · zh-CN',
      'wecom · pipeline failed (broken) · zh-CN',
      'wecom · build succeeded (fixed) · en',
      'wecom · deploy succeeded · zh-CN',
      'wecom · digest of 3 · zh-CN',
      'feishu · pipeline failed (broken) · zh-CN',
      'feishu · build succeeded (fixed) · en',
      'feishu · deploy succeeded · zh-CN',
      'feishu · digest of 3 · zh-CN',
      'slack · pipeline failed (broken) · zh-CN',
      'slack · build succeeded (fixed) · en',
      'slack · deploy succeeded · zh-CN',
      'slack · digest of 3 · zh-CN',
      'teams · pipeline failed (broken) · zh-CN',
      'teams · build succeeded (fixed) · en',
      'teams · deploy succeeded · zh-CN',
      'teams · digest of 3 · zh-CN',
    ])
    expect(out).toContain('#### <font color=#F5222D>CI ❌ 流水线失败 · 💥 构建被破坏</font>')
    expect(out).toContain('### <font color="info">✅ Build succeeded · 🎉 Fixed</font>')
    expect(out).toContain('- 部署地址：[https://staging.example.com/](https://staging.example.com/)')
    expect(out).toContain('@zhangsan01 @13800000002 wangwu')
    expect(out).toContain('<@ZhangSan> wangwu')
    expect(out).toContain('{"mentioned_mobile_list":["13800000002"]}')
    expect(out).toContain('#### <font color=#F5222D>CI 3 条构建通知</font>')
    // Feishu's post: the title carries the keyword, mentions are at nodes (shown @id), 李四 (mobile only) by name
    expect(out).toContain('CI ❌ 流水线失败 · 💥 构建被破坏 gitlab-org/gitlab-test #31\n项目：')
    expect(out).toContain('@ou_zhangsan 李四、wangwu')
    // Slack: the header block, mrkdwn links, the member-id mention, 李四 (mobile only) by name
    expect(out).toContain('--- message 1 (blocks)\n❌ 流水线失败 · 💥 构建被破坏\n项目：<http://192.168.64.1:3005/gitlab-org/gitlab-test|gitlab-org/gitlab-test>')
    expect(out).toContain('<@U0ZHANGSAN> 李四、wangwu')
    // Teams: a card; 张三 mentioned through an entity (shown @Name), the others by name, the link an action
    expect(out).toContain('--- message 1 (AdaptiveCard)\n❌ 流水线失败 · 💥 构建被破坏\n项目: [gitlab-org/gitlab-test]')
    expect(out).toContain('@张三 李四、wangwu\n[查看详情](http://example.com/gitlab-org/gitlab-test/-/pipelines/31)')
  })

  it('uses sample events that are what the adapters make of the fixtures', () => {
    expect(fixtureEvent('gitlab', 'pipeline-failed-adapted.json')).toMatchObject(pipelineFields)
    expect(fixtureEvent('gitlab', 'deployment-success-docs.json')).toMatchObject(deployFields)
  })
})
