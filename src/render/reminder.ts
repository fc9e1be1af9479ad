import { fit } from './fit.js'
import { MARKS, strings } from './i18n.js'
import { mentionCount } from './mentions.js'
import { contentFor } from './template.js'
import type { Composer } from './composer.js'
import type { RenderInput, RobotMessage } from './types.js'

/**
 * A reminder while a pipeline stays broken: the last failed run's own message (its link, its facts, the same
 * mentions) under the heading "main 仍然失败，已持续 4 小时". `forMs` is how long it has been failing, shown in whole
 * hours and minutes (a reminder's interval is never finer).
 */
export function reminder(input: RenderInput, forMs: number, composer: Composer): RobotMessage[] {
  const t = strings[input.locale]
  const e = input.event
  const minutes = Math.max(0, Math.floor(forMs / 60_000))
  const c = contentFor(input, composer.valueText(input.target))
  const content = { ...c, headline: `${MARKS[e.status]}🔁 ${t.reminderTitle(e.tag ?? e.branch ?? e.ref ?? e.project.path, Math.floor(minutes / 60), minutes % 60)}` }
  const write = composer.compose(content, { target: input.target, mentions: input.route.mentions, all: input.route.all })
  return fit(content, mentionCount(input.route.mentions, composer.platform), write, (ms) => composer.load(ms) <= 1)
}
