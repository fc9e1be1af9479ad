import type { Delivery } from '../store/types.js'
import { batchUuid } from './attempt.js'
import { ownMessageOf } from './own-message.js'

/** The deliveries of the next send, and how many messages it may spend (a digest when more are due than that). */
export type Choice = {
  due: Delivery[]
  /** A digest that stopped part way goes again exactly as it was. */
  resumed: boolean
  /** Sends the plan may use; Infinity makes the head go alone, whatever waits behind it. */
  sends: number
}

/**
 * Chooses among: finishing a digest that stopped part way; the head alone (it may already have reached the robot,
 * so it goes again by itself with its own msgUuid, which DingTalk absorbs; or the budget is low); or everything due,
 * for the plan to digest. Pure.
 */
export function chooseBatch(
  waiting: Delivery[],
  now: number,
  o: { dry: boolean; available: number; perWindow: number; headMayHaveReachedRobot: boolean },
): Choice {
  const head = waiting[0]
  const all = prefixDue(waiting, now)
  // A head that got part of its own send through (recorded in the store, so across replicas too) finishes that send.
  const resumingItself = head.progress?.uuid === head.msg_uuid
  // Once sends are paced, each one is worth a whole slot: everything due goes in it.
  const sends = o.headMayHaveReachedRobot || resumingItself ? Infinity : o.available > o.perWindow / 2 ? o.available : 1
  if (o.dry) return { due: all, resumed: false, sends }
  const resumed = digestInProgress(head, all)
  if (resumed) return { due: resumed, resumed: true, sends }
  return { due: all.length > sends ? all : all.slice(0, 1), resumed: false, sends }
}

/**
 * The deliveries of a digest that stopped part way (its uuid is a hash of theirs). It goes again as it was, not
 * merged with what arrived since, so its remaining parts follow the ones already shown instead of repeating them.
 */
function digestInProgress(head: Delivery, all: Delivery[]): Delivery[] | undefined {
  const uuid = head.progress?.uuid
  if (!uuid || uuid === head.msg_uuid) return undefined
  for (let k = 2; k <= all.length; k++) {
    if (batchUuid({ deliveries: all.slice(0, k), digest: true }, 0) === uuid) return all.slice(0, k)
  }
  return undefined
}

/**
 * The due run at the head of the queue: order forbids sending past a delivery that is still waiting. A message of its
 * own (a catch-up, a group's, a reminder: never the head here, it goes alone) ends the run too, so what arrived after
 * it follows it.
 */
function prefixDue(waiting: Delivery[], now: number): Delivery[] {
  const end = waiting.findIndex((d, i) => d.next_attempt_at > now || (i > 0 && ownMessageOf(d) !== undefined))
  return end === -1 ? waiting : waiting.slice(0, end)
}
