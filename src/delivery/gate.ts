import type { Delivery } from '../store/types.js'

/** A robot's budget at one instant, read from the rate limiter (src/delivery/rate-limit.ts). */
export type Budget = {
  perWindow: number
  /** Sends the robot takes right now. */
  available: number
  /** When `k` sends will be allowed. */
  readyAt: (k: number) => number
  /** When the next send may go, once the budget is half spent and sends are spread over the window. */
  paceAt: number
}

export type Hold = { until: number; reason: 'rate' | 'retry' }

/**
 * Whether the head of a target's queue can go out now; if not, until when and why. Pure. A dry run is not held by
 * the robot's budget: nothing reaches the robot.
 */
export function gate(head: Pick<Delivery, 'next_attempt_at'>, now: number, dry: boolean, budget: Budget): Hold | undefined {
  if (head.next_attempt_at > now) return { until: head.next_attempt_at, reason: 'retry' }
  if (dry) return undefined
  if (budget.available < 1) return { until: budget.readyAt(1), reason: 'rate' }
  if (budget.paceAt > now) return { until: budget.paceAt, reason: 'rate' }
  return undefined
}
