import type { Muting } from './hold.js'
import type { Condition } from './match.js'
import type { Rule } from './schema.js'

/** One rule, ready to match: conditions compiled once at load, never per request. */
export type CompiledRule = {
  name: string
  index: number
  /** Every condition, in `match` order (`ci-notify test` names the first that fails). */
  conditions: Condition[]
  /** The conditions the index does not decide (patterns): all route() still tests for a rule the index offers. */
  residual: Condition[]
  notify: string[]
  /** The people/roles to @, without `all`. */
  mention: string[]
  all: boolean
  continue: boolean
  template?: Rule['template']
  /** Its time intervals; absent when it has none (most rules: routing then skips the clock entirely). */
  muting?: Muting
  /** `group_wait` (and `group_by`): deliveries of this rule are held and sent per group (rules/group-key.ts). */
  group?: { by: string[]; waitMs: number }
  /** `remind_every`: while the pipeline a failed run of this rule broke stays broken, its targets are reminded. */
  remindEveryMs?: number
}
