import type { CommonEvent } from '../event.js'
import { buildSucceeded, deploySucceeded, pipelineFailed } from '../render/example-events.js'
import { drain } from '../render/gradual.js'
import type { RenderInput, RenderTarget, RobotMessage } from '../render/types.js'
import type { TargetRoute, Transition } from '../routing.js'
import { PLATFORM_NAMES, type PlatformName, platformOf, platforms } from '../platforms/index.js'
import { showMessages } from './show.js'

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

/** One example of the gallery: a platform's messages for one case, each as its msgtype and what a person reads. */
export type Example = { platform: PlatformName; label: string; name: string; locale: RenderInput['locale']; messages: { msgtype: string; shown: string }[] }

/**
 * The built-in messages for each kind on each registered platform, plus a digest, as docs/messages.md shows them.
 * Deterministic: fixed sample events and mentions, each platform's example target, timezone Asia/Shanghai.
 */
export function exampleMessages(): Example[] {
  const cases: [string, CommonEvent, Transition | null, RenderInput['locale']][] = [
    ['pipeline failed (broken)', pipelineFailed, 'broken', 'zh-CN'],
    ['build succeeded (fixed)', buildSucceeded, 'fixed', 'en'],
    ['deploy succeeded', deploySucceeded, null, 'zh-CN'],
  ]
  const out: Example[] = []
  for (const platform of PLATFORM_NAMES) {
    const { renderer, exampleTarget, label } = platforms[platform]
    const shown = (ms: RobotMessage[]) => showMessages(platform, ms)
    for (const [name, event, transition, locale] of cases) {
      out.push({ platform, label, name, locale, messages: shown(renderer.render(input(event, exampleTarget, transition, locale))) })
    }
    const burst = [pipelineFailed, buildSucceeded, deploySucceeded].map((e) => input(e, exampleTarget, null, 'zh-CN'))
    out.push({ platform, label, name: 'digest of 3', locale: 'zh-CN', messages: shown(drain(renderer.digest(burst))) })
  }
  return out
}

/** exampleMessages() as plain text: `## <platform> · <case> · <locale>`, then `--- message <n> (<msgtype>)` and its body. */
export function renderExamples(): string {
  const out: string[] = []
  for (const e of exampleMessages()) {
    out.push(`## ${e.platform} · ${e.name} · ${e.locale}`, ...e.messages.map((m, i) => `--- message ${i + 1} (${m.msgtype})\n${m.shown}`), '')
  }
  return out.join('\n')
}
