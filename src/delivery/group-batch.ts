import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { Renderer } from '../render/types.js'
import type { Delivery, Store } from '../store/types.js'
import type { Batch } from './attempt.js'
import { renderInputs } from './render-inputs.js'
import { finish, type Turn } from './yielder.js'

/** Events one group message may cover: a digest of more would be split in many parts anyway. */
const GROUP_EVENTS = 1000

/**
 * The send of a group's delivery (Delivery.group_of): every event the group held for this target, as one message,
 * rendered at send time like any delivery: the event's own message when it held one, the digest of them all
 * otherwise (each event's line keeps its transition; the mentions are the union of theirs). It goes alone under its
 * own msgUuid, in order and within the budget, retried like the others. Events pruned since are left out.
 */
export async function groupBatch(store: Store, rules: CompiledRules, renderer: Renderer, target: NamedTarget, head: Delivery, turn: Turn): Promise<Batch> {
  const members = await store.groupMembers(head.group_of!, GROUP_EVENTS)
  const { ready } = await renderInputs(store, rules, target, members, turn)
  const inputs = ready.map((r) => r.input)
  if (!inputs.length) throw new Error(`none of the events of group ${head.group_of} is in the store any more`)
  const messages = inputs.length === 1 ? renderer.render(inputs[0]) : await finish(renderer.digest(inputs), turn)
  return { target, deliveries: [head], inputs, messages, digest: false }
}

/**
 * The send of a reminder (Delivery.reminder_since): its event is the pipeline's last failed run, its route that
 * run's (the same mentions); it says how long the pipeline has been failing when the reminder fell due.
 */
export async function reminderBatch(store: Store, rules: CompiledRules, renderer: Renderer, target: NamedTarget, head: Delivery, turn: Turn): Promise<Batch> {
  const { ready } = await renderInputs(store, rules, target, [head], turn)
  if (!ready.length) throw new Error(`event ${head.event_id} of the reminder is not in the store any more`)
  const forMs = Date.parse(head.created_at) - head.reminder_since!
  return { target, deliveries: [head], inputs: [ready[0].input], messages: renderer.reminder(ready[0].input, { forMs }), digest: false }
}
