import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { RenderInput } from '../render/types.js'
import type { Delivery, Store } from '../store/types.js'
import { yielder } from './yielder.js'

/**
 * Deliveries are rendered at send time from what the store kept: the event, its routing (the transition) and the
 * delivery's route; locale and timezone from the target, else the rules' defaults. So a template fix or a reload
 * applies to everything still waiting.
 */
export async function renderInputs(
  store: Store,
  rules: CompiledRules,
  target: NamedTarget,
  deliveries: Delivery[],
): Promise<{ ready: { delivery: Delivery; input: RenderInput }[]; missing: Delivery[] }> {
  const ready: { delivery: Delivery; input: RenderInput }[] = []
  const missing: Delivery[] = []
  const turn = yielder()
  for (const delivery of deliveries) {
    await turn.pause()
    const stored = await store.getEvent(delivery.event_id)
    if (!stored) {
      missing.push(delivery)
      continue
    }
    ready.push({
      delivery,
      input: {
        event: stored.event,
        route: delivery.route,
        transition: stored.routing.transition,
        target,
        locale: target.locale ?? rules.config.defaults?.locale ?? 'zh-CN',
        timezone: target.timezone ?? rules.config.defaults?.timezone ?? 'Asia/Shanghai',
      },
    })
  }
  return { ready, missing }
}
