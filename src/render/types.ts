import type { CommonEvent } from '../event.js'
import type { TargetRoute, Transition } from '../routing.js'
import type { Gradual } from './gradual.js'

/**
 * What the renderers read of a target: its type and the message options some platforms have. Each platform's own
 * schema (src/platforms/<name>/target.ts) says which it has.
 */
export type RenderTarget = { type: string; msgtype?: string; keyword?: string }

/** Everything a renderer needs for one event to one target. */
export type RenderInput = {
  event: CommonEvent
  route: TargetRoute
  transition: Transition | null
  target: RenderTarget
  locale: 'zh-CN' | 'en'
  timezone: string
  /**
   * The actor's name in the rules' `people`, when the directory knows them by the same trusted means as mentions
   * (rules/people.ts knownActor): every source then shows one person by one name.
   */
  actorName?: string
}

/** One JSON body, exactly as the robot API takes it (without msgUuid: the sender adds that). */
export type RobotMessage = Record<string, unknown>

/**
 * One per platform (src/render/dingtalk.ts, src/render/wecom.ts). Both build on one shared content model
 * (src/render/content.ts); only syntax, mentions and byte limits differ. Every message returned is within the
 * platform's limits.
 */
export interface Renderer {
  /** Usually one message; WeCom markdown + a text follow-up when a mention needs mobile or @all. */
  render(input: RenderInput): RobotMessage[]
  /**
   * Many waiting events merged into as few messages as the limits allow ("12 条构建通知"). Gradual: hundreds of
   * events take several renderings to pack, and the worker gives the event loop back between them.
   */
  digest(inputs: RenderInput[]): Gradual<RobotMessage[]>
  /**
   * One message summing up what a mute (a silence, or a time interval: `during` names it) held back from one target:
   * `total` events, of which `held` are the newest (possibly none left to read: then the count alone), in arrival order.
   */
  catchUp(held: RenderInput[], o: { total: number; target: RenderTarget; locale: RenderInput['locale']; during?: string }): RobotMessage[]
  /** A reminder that the event's pipeline has been failing for `forMs` (its last failed run's message, retitled). */
  reminder(input: RenderInput, o: { forMs: number }): RobotMessage[]
}
