import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { Metrics } from '../metrics.js'
import type { Renderer } from '../render/types.js'
import type { Delivery, Store } from '../store/types.js'
import type { Batch } from './attempt.js'
import { catchUpBatch } from './catch-up.js'
import { groupBatch, reminderBatch } from './group-batch.js'
import type { Turn } from './yielder.js'

/** A kind of delivery that is a message of its own, built from the store at send time and always sent alone. */
export type OwnMessage = {
  name: string
  is: (d: Delivery) => boolean
  batch: (store: Store, rules: CompiledRules, renderer: Renderer, target: NamedTarget, head: Delivery, turn: Turn) => Promise<Batch>
  /** Counted when sent, beside ci_notify_deliveries_total. */
  sent?: (metrics: Metrics, target: string) => void
}

/** The kinds, by the column that marks each (src/store/types.ts Delivery). */
export const OWN_MESSAGES: OwnMessage[] = [
  { name: 'catch-up', is: (d) => d.catch_up_of !== undefined, batch: catchUpBatch, sent: (m, target) => m.catchUps.inc({ target }) },
  { name: 'group message', is: (d) => d.group_of !== undefined, batch: groupBatch },
  { name: 'reminder', is: (d) => d.reminder_since !== undefined, batch: reminderBatch },
]

export const ownMessageOf = (d: Delivery): OwnMessage | undefined => OWN_MESSAGES.find((k) => k.is(d))
