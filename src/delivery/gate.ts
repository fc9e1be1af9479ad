import type { Delivery } from '../store/types.js'

/** A robot's budget at one instant, read from the rate limiter (src/delivery/rate-limit.ts). */
export type Budget = {
  perWindow: number
  /** Sends the robot takes right now. */
  available: number
  /** When `k` sends will be allowed. */
  readyAt: (k: number) => number
  /** When the next send may go: its platform's least gap after the last one, instants it avoids, and once the budget is half spent, sends spread over the window. */
  paceAt: number
  /** The platform's least time between two sends (0: none): between the messages of one batch too. */
  minGapMs: number
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
