import type { Target } from '../../rules/schema.js'
import type { RobotMessage } from '../render/types.js'

export type SendOptions = {
  uuid: string
  signal?: AbortSignal
  /**
   * Called once for every POST the send makes, when it settles, success or failure (a timed-out POST may well have
   * reached the robot). A re-signed DingTalk retry is a second POST the robot may count: the rate budget counts both.
   */
  onPost?: () => void
}

/**
 * Only what differs per platform: URL signing and success envelope. Throws DeliveryError (with `retryable` from the
 * one errcode table in src/delivery/classify.ts). Retry, backoff, rate limits and digests live in the worker.
 */
export interface Sender {
  send(target: Target & { name: string }, message: RobotMessage, o: SendOptions): Promise<void>
}
