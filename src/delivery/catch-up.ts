import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { Renderer } from '../render/types.js'
import type { Delivery, Store } from '../store/types.js'
import type { Batch } from './attempt.js'
import { renderInputs } from './render-inputs.js'
import type { Turn } from './yielder.js'

/** Held events read for one catch-up: its count covers them all, its list the newest of each pipeline among these. */
const CATCH_UP_EVENTS = 1000

/**
 * The send of a catch-up delivery (Delivery.catch_up_of): one message summing up what the mute (a silence, or a time
 * interval's window) held for this target, rendered at send time from the store like any delivery, and sent alone
 * under its own msgUuid. It goes through the worker like the others (in order, within the budget, retried), so it is as durable as they are. Events pruned
 * since are left out of the list, still counted.
 */
export async function catchUpBatch(store: Store, rules: CompiledRules, renderer: Renderer, target: NamedTarget, head: Delivery, turn: Turn): Promise<Batch> {
  const { total, deliveries } = await store.heldFor(head.catch_up_of!, target.name, CATCH_UP_EVENTS)
  const { ready } = await renderInputs(store, rules, target, deliveries, turn)
  const locale = target.locale ?? rules.config.defaults?.locale ?? 'zh-CN'
  const during = intervalOf(head.catch_up_of!)
  const messages = renderer.catchUp(
    ready.map((r) => r.input),
    { total, target, locale, ...(during !== undefined && { during }) },
  )
  return { target, deliveries: [head], inputs: [], messages, digest: false }
}

/** The time interval a window id (Hold.window, `interval:<reason>@<ISO end>`) names; undefined for a silence's id. */
export function intervalOf(muteId: string): string | undefined {
  const m = /^interval:(.*)@[^@]*$/.exec(muteId)
  return m?.[1]
}
