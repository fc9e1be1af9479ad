import type { RobotTarget } from '../platforms/common/types.js'
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
 * Posts one message to one target. Throws RobotError (a DeliveryError) with the platform's verdict. Retry, backoff,
 * rate limits and digests live in the worker.
 */
export interface Sender {
  send(target: RobotTarget, message: RobotMessage, o: SendOptions): Promise<void>
}
