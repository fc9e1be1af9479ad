import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { CompiledSilence } from '../silences/matcher.js'
import type { Delivery, Store } from '../store/types.js'

/**
 * Checked when the worker would send, not when the event was routed (Alertmanager checks at notification time): a
 * silence set while a backlog waits out the robot's budget mutes it, one that ends lets the rest go, and ingest stays
 * as it was. The due run at the head of the queue is what the next send would take; each delivery in it that a
 * silence covers becomes `silenced` (a catch-up row is never muted). Those leave the queue without a send, so the
 * others keep their order and the robot's budget is untouched. True when any were muted.
 */
export async function silenceDue(env: { store: Store; metrics: Metrics; log: Logger }, name: string, waiting: Delivery[], muting: CompiledSilence[], now: number): Promise<boolean> {
  const end = waiting.findIndex((d) => d.next_attempt_at > now)
  const due = (end === -1 ? waiting : waiting.slice(0, end)).filter((d) => d.catch_up_of === undefined)
  if (!due.length) return false
  const events = await env.store.eventsFor([...new Set(due.map((d) => d.event_id))])
  const by = new Map<string, number[]>()
  for (const d of due) {
    const e = events.get(d.event_id)
    const s = e && muting.find((m) => m.covers(name, e.event, e.routing.transition, now))
    if (s) by.set(s.id, [...(by.get(s.id) ?? []), d.id])
  }
  for (const [silence, ids] of by) {
    await env.store.markSilenced(ids, silence)
    env.metrics.deliveries.inc({ target: name, result: 'silenced' }, ids.length)
    env.log.info({ target: name, deliveries: ids, silence }, 'deliveries silenced: not sent')
  }
  return by.size > 0
}
