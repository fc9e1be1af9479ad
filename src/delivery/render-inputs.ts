import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import { knownActor } from '../../rules/people.js'
import type { RenderInput } from '../render/types.js'
import type { Delivery, Store } from '../store/types.js'
import type { Turn } from './yielder.js'

/** Events read at once for a digest: about a millisecond of parsing on SQLite. */
const READ_CHUNK = 50

/**
 * Deliveries are rendered at send time from what the store kept: the event, its routing (the transition) and the
 * delivery's route; locale and timezone from the target, else the rules' defaults; the actor's name from the rules'
 * people. So a template fix or a reload applies to everything still waiting.
 */
export async function renderInputs(
  store: Store,
  rules: CompiledRules,
  target: NamedTarget,
  deliveries: Delivery[],
  turn: Turn,
): Promise<{ ready: { delivery: Delivery; input: RenderInput }[]; missing: Delivery[] }> {
  const ready: { delivery: Delivery; input: RenderInput }[] = []
  const missing: Delivery[] = []
  const locale = target.locale ?? rules.config.defaults?.locale ?? 'zh-CN'
  const timezone = target.timezone ?? rules.config.defaults?.timezone ?? 'Asia/Shanghai'
  // A digest reads hundreds of events: a read per chunk, not per event (one round trip each on PostgreSQL), and the
  // event loop back between chunks.
  for (let i = 0; i < deliveries.length; i += READ_CHUNK) {
    await turn.pause()
    const chunk = deliveries.slice(i, i + READ_CHUNK)
    const stored = await store.eventsFor([...new Set(chunk.map((d) => d.event_id))])
    for (const delivery of chunk) {
      const e = stored.get(delivery.event_id)
      if (!e) {
        missing.push(delivery)
        continue
      }
      const actorName = knownActor(rules.people, e.event)?.name
      ready.push({ delivery, input: { event: e.event, route: delivery.route, transition: e.routing.transition, target, locale, timezone, ...(actorName && { actorName }) } })
    }
  }
  return { ready, missing }
}
