import type { Target } from '../../rules/schema.js'
import type { RobotMessage } from '../render/types.js'

/**
 * Only what differs per platform: URL signing and success envelope. Throws DeliveryError (with `retryable` from the
 * one errcode table in src/delivery/classify.ts). Retry, backoff, rate limits and digests live in the worker.
 */
export interface Sender {
  send(target: Target & { name: string }, message: RobotMessage, o: { uuid: string; signal?: AbortSignal }): Promise<void>
}
