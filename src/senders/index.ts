import type { TargetType } from '../../rules/schema.js'
import { dingtalkSender, type SenderOptions } from './dingtalk.js'
import type { Sender } from './types.js'
import { wecomSender } from './wecom.js'

export type { SenderOptions }

/** One sender per platform; the worker builds its own with the configured timeout and clock. */
export function createSenders(o: SenderOptions): Record<TargetType, Sender> {
  return { dingtalk: dingtalkSender(o), wecom: wecomSender(o) }
}

export const senders: Record<TargetType, Sender> = createSenders({ timeoutMs: 10_000 })
