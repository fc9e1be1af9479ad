import type { CompiledRules } from '../../rules/compile.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { Delivery, Store } from '../store/types.js'

/** What ending a reminder needs of the worker's step: the store, the rules running now and when they were loaded. */
type Env = { store: Store; rules: CompiledRules; rulesLoadedAt: number; metrics: Metrics; log: Logger }

/** True when a rule that sent this route, as loaded now, still has `remind_every` and notifies `target`. */
function stillAsked(rules: CompiledRules, d: Delivery, target: string): boolean {
  return d.route.rules.some((name) => {
    const rule = rules.rules.find((r) => r.name === name)
    return rule?.remindEveryMs !== undefined && rule.notify.includes(target)
  })
}

/**
 * A reminder delivery whose rules, as loaded now, no longer ask for it (a reload removed or renamed the rule, its
 * `remind_every`, the target from its `notify`, or the target) ends there: it is recorded silenced by
 * `rules:<rule>` and its run's reminders to the target stop (store.endReminder). Only rules loaded after the run came
 * in may end it: with several replicas, one not yet reloaded in a rollout must not end what newer rules started, so
 * there the reminder goes out as before. True when it ended.
 */
export async function endIfNotAsked(env: Env, d: Delivery, target: string): Promise<boolean> {
  if (env.rules.targets[target] && stillAsked(env.rules, d, target)) return false
  const run = (await env.store.eventsFor([d.event_id])).get(d.event_id)
  if (run && Date.parse(run.event.received_at) > env.rulesLoadedAt) return false
  await env.store.endReminder(d, `rules:${d.route.remind?.rule ?? ''}`)
  env.metrics.deliveries.inc({ target, result: 'silenced' })
  env.log.info({ target, deliveries: [d.id], rule: d.route.remind?.rule }, 'reminders ended: the rules loaded now no longer ask for them')
  return true
}
