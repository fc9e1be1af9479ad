import type { CommonEvent } from '../event.js'
import { buildSucceeded, deploySucceeded, pipelineFailed } from '../render/example-events.js'
import { drain } from '../render/gradual.js'
import type { RenderInput, RenderTarget, RobotMessage } from '../render/types.js'
import type { TargetRoute, Transition } from '../routing.js'
import { PLATFORM_NAMES, platformOf, platforms } from '../platforms/index.js'

// 张三's id on each platform that gives one: each platform's folder names its own sample id.
const exampleIds = Object.fromEntries(PLATFORM_NAMES.flatMap((n) => (platformOf(n).exampleId ? [[n, platformOf(n).exampleId!]] : [])))

const route: TargetRoute = {
  target: 'team',
  rules: ['failures'],
  all: false,
  mentions: [
    { as: 'author', name: '张三', resolved: true, ids: exampleIds, mobile: '13800000001' },
    { as: 'actor', name: '李四', resolved: true, mobile: '13800000002' },
    { as: 'culprits', name: 'wangwu', resolved: false },
  ],
}
const input = (event: CommonEvent, target: RenderTarget, transition: Transition | null, locale: RenderInput['locale']): RenderInput => ({
  event,
  route,
  transition,
  target,
  locale,
  timezone: 'Asia/Shanghai',
})

/** What a person reads: the markdown or text of each message (JSON only for what is not text). */
function showBody(m: RobotMessage): string {
  const b = m as { msgtype: string; markdown?: { title?: string; text?: string; content?: string }; text?: Record<string, unknown> }
  if (b.markdown) return b.markdown.text ?? b.markdown.content ?? ''
  const { content, ...lists } = b.text ?? {}
  return `${String(content)}\n${JSON.stringify(lists)}`
}

const formatOf = (m: RobotMessage): string => String(m.msgtype ?? m.msg_type)

/**
 * The built-in messages for each kind on each platform, plus a digest, as the README shows them. Deterministic:
 * fixed sample events and mentions, each platform's example target, timezone Asia/Shanghai.
 */
export function renderExamples(): string {
  const cases: [string, CommonEvent, Transition | null, RenderInput['locale']][] = [
    ['pipeline failed (broken)', pipelineFailed, 'broken', 'zh-CN'],
    ['build succeeded (fixed)', buildSucceeded, 'fixed', 'en'],
    ['deploy succeeded', deploySucceeded, null, 'zh-CN'],
  ]
  const out: string[] = []
  for (const platform of PLATFORM_NAMES) {
    const { renderer, exampleTarget } = platforms[platform]
    const show = platformOf(platform).show ?? showBody
    const format = platformOf(platform).formatOf ?? formatOf
    for (const [name, event, transition, locale] of cases) {
      const messages = renderer.render(input(event, exampleTarget, transition, locale))
      out.push(`## ${platform} · ${name} · ${locale}`, ...messages.map((m, i) => `--- message ${i + 1} (${format(m)})\n${show(m)}`), '')
    }
    const burst = [pipelineFailed, buildSucceeded, deploySucceeded].map((e) => input(e, exampleTarget, null, 'zh-CN'))
    const digest = drain(renderer.digest(burst))
    out.push(`## ${platform} · digest of 3 · zh-CN`, ...digest.map((m, i) => `--- message ${i + 1} (${format(m)})\n${show(m)}`), '')
  }
  return out.join('\n')
}
