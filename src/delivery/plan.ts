import type { Renderer, RenderInput, RobotMessage } from '../render/types.js'
import { finish, type Turn } from './yielder.js'

/** The next send: the first `count` deliveries due, as `messages`, one digest or the head alone. */
export type Plan = { count: number; messages: RobotMessage[]; digest: boolean }

/**
 * What to send next to one robot, given the deliveries due there (oldest first) and its budget right now.
 * While the waiting ones fit the budget, the oldest goes out alone; when more wait than the budget allows, they merge
 * into one digest (halved until the digest needs no more messages than the robot takes in a minute). A digest is
 * rendered gradually, giving the event loop back between renderings (src/delivery/yielder.ts).
 */
export async function plan(
  renderer: Renderer,
  inputs: RenderInput[],
  o: { available: number; perWindow: number },
  turn: Turn,
): Promise<Plan> {
  if (inputs.length <= Math.max(1, o.available)) {
    return { count: 1, messages: renderer.render(inputs[0]), digest: false }
  }
  let count = inputs.length
  let messages = await finish(renderer.digest(inputs), turn)
  while (messages.length > o.perWindow && count > 1) {
    count = Math.ceil(count / 2)
    messages = await finish(renderer.digest(inputs.slice(0, count)), turn)
  }
  return { count, messages, digest: true }
}
