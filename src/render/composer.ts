import type { Mention } from '../routing.js'
import type { Content } from './content.js'
import type { Shape } from './shape.js'
import type { ValueText } from './template.js'
import type { RenderTarget, RobotMessage } from './types.js'

/**
 * How one platform writes the shared content model: its messages for `c` at a shape (src/render/shape.ts), and how
 * full they are. Everything else (the content, shortening to fit, digests) is shared: see rendererOf.
 */
export type Composer = {
  /** The platform's name, the key of people's ids on it (Mention.ids). */
  platform: string
  compose(c: Content, o: { target: RenderTarget; mentions: Mention[]; all: boolean }): (s: Shape) => RobotMessage[]
  /** How a rule template's values are written in this target's messages (its syntax's `text`, or as they are). */
  valueText(target: RenderTarget): ValueText
  /** The messages' size over the platform's limits: they all fit at ≤ 1. */
  load(ms: RobotMessage[]): number
}
