import type { Target } from '../../rules/schema.js'
import type { TargetRoute, Transition } from '../routing.js'
import type { CommonEvent } from '../event.js'
import { buildSucceeded, deploySucceeded, pipelineFailed } from './example-events.js'
import { drain } from './gradual.js'
import { renderers } from './index.js'
import type { RenderInput, RobotMessage } from './types.js'

const route: TargetRoute = {
  target: 'team',
  rules: ['failures'],
  all: false,
  mentions: [
    { as: 'author', name: '张三', resolved: true, dingtalk: 'zhangsan01', wecom: 'ZhangSan', mobile: '13800000001' },
    { as: 'actor', name: '李四', resolved: true, mobile: '13800000002' },
    { as: 'culprits', name: 'wangwu', resolved: false },
  ],
}
const targets: Record<'dingtalk' | 'wecom', Target> = {
  dingtalk: { type: 'dingtalk', webhook: '', rate_per_minute: 20, msgtype: 'markdown', keyword: 'CI' },
  wecom: { type: 'wecom', webhook: '', rate_per_minute: 20, msgtype: 'markdown' },
}

const input = (event: CommonEvent, target: Target, transition: Transition | null, locale: RenderInput['locale']): RenderInput => ({
  event,
  route,
  transition,
  target,
  locale,
  timezone: 'Asia/Shanghai',
})

/** What a person reads: the markdown or text of each message (JSON only for what is not text). */
function show(m: RobotMessage): string {
  const b = m as { msgtype: string; markdown?: { title?: string; text?: string; content?: string }; text?: Record<string, unknown> }
  if (b.markdown) return b.markdown.text ?? b.markdown.content ?? ''
  const { content, ...lists } = b.text ?? {}
  return `${String(content)}\n${JSON.stringify(lists)}`
}

/**
 * The built-in messages for each kind on each platform, plus a digest, as the README shows them. Deterministic:
 * fixed sample events, mentions, keyword `CI` and timezone Asia/Shanghai.
 */
export function renderExamples(): string {
  const cases: [string, CommonEvent, Transition | null, RenderInput['locale']][] = [
    ['pipeline failed (broken)', pipelineFailed, 'broken', 'zh-CN'],
    ['build succeeded (fixed)', buildSucceeded, 'fixed', 'en'],
    ['deploy succeeded', deploySucceeded, null, 'zh-CN'],
  ]
  const out: string[] = []
  for (const platform of ['dingtalk', 'wecom'] as const) {
    for (const [name, event, transition, locale] of cases) {
      const messages = renderers[platform].render(input(event, targets[platform], transition, locale))
      out.push(`## ${platform} · ${name} · ${locale}`, ...messages.map((m, i) => `--- message ${i + 1} (${String(m.msgtype)})\n${show(m)}`), '')
    }
    const burst = [pipelineFailed, buildSucceeded, deploySucceeded].map((e) => input(e, targets[platform], null, 'zh-CN'))
    const digest = drain(renderers[platform].digest(burst))
    out.push(`## ${platform} · digest of 3 · zh-CN`, ...digest.map((m, i) => `--- message ${i + 1} (${String(m.msgtype)})\n${show(m)}`), '')
  }
  return out.join('\n')
}
