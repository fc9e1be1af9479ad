import { catchUp } from './catch-up.js'
import { digest } from './digest.js'
import { fit } from './fit.js'
import { reminder } from './reminder.js'
import { mentionCount } from './mentions.js'
import { contentFor } from './template.js'
import type { Composer } from './composer.js'
import type { Renderer } from './types.js'

/** A platform's renderer from its composer: one event shortened until it fits, or a digest of many. */
export function rendererOf(composer: Composer): Renderer {
  return {
    render(input) {
      const c = contentFor(input, composer.valueText(input.target))
      const write = composer.compose(c, { target: input.target, mentions: input.route.mentions, all: input.route.all })
      return fit(c, mentionCount(input.route.mentions, composer.platform), write, (ms) => composer.load(ms) <= 1)
    },
    digest: (inputs) => digest(inputs, composer),
    catchUp: (held, o) => catchUp(held, o, composer),
    reminder: (input, o) => reminder(input, o.forMs, composer),
  }
}
