import type { Renderer, RenderInput, RobotMessage } from '../render/types.js'

/**
 * What to send next to one robot, given the deliveries due there (oldest first) and its budget right now.
 * While the waiting ones fit the budget, the oldest goes out alone; when more wait than the budget allows, they merge
 * into one digest (halved until the digest needs no more messages than the robot takes in a minute).
 */
export function plan(
  renderer: Renderer,
  inputs: RenderInput[],
  o: { available: number; perWindow: number },
): { count: number; messages: RobotMessage[]; digest: boolean } {
  if (inputs.length <= Math.max(1, o.available)) {
    return { count: 1, messages: renderer.render(inputs[0]), digest: false }
  }
  let count = inputs.length
  let messages = renderer.digest(inputs)
  while (messages.length > o.perWindow && count > 1) {
    count = Math.ceil(count / 2)
    messages = renderer.digest(inputs.slice(0, count))
  }
  return { count, messages, digest: true }
}
