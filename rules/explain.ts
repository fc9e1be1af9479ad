import type { CommonEvent } from '../src/event.js'
import type { Decision, PipelineState, Transition } from '../src/routing.js'
import type { CompiledRules } from './compile.js'
import { matchInput } from './match.js'
import { route } from './route.js'
import { compare } from './transition.js'

/** What happened to one rule for one event, as `ci-notify test` and the console show it. */
export type Verdict =
  | { rule: string; result: 'matched' }
  | { rule: string; result: 'no'; reason: string }
  | { rule: string; result: 'not_reached'; stoppedBy: string; wouldMatch: boolean }

/** route() plus, for each rule, whether it matched or the first condition that did not hold. */
export function explain(event: CommonEvent, rules: CompiledRules, prev: PipelineState | undefined): { decision: Decision; verdicts: Verdict[] } {
  const decision = route(event, rules, prev)
  return { decision, verdicts: verdicts(event, rules, compare(event, prev).transition) }
}

/**
 * Each rule's verdict for an event whose transition is already known (a stored event: its routing kept the
 * transition it had when it arrived; the previous run's state has moved on since).
 */
export function verdicts(event: CommonEvent, rules: CompiledRules, transition: Transition | null): Verdict[] {
  const input = matchInput(event, transition)
  let stoppedBy: string | undefined
  return rules.rules.map((rule): Verdict => {
    const failed = rule.conditions.find((c) => !c.test(input))
    if (stoppedBy !== undefined) return { rule: rule.name, result: 'not_reached', stoppedBy, wouldMatch: !failed }
    if (failed) return { rule: rule.name, result: 'no', reason: failed.why(input) }
    if (!rule.continue) stoppedBy = rule.name
    return { rule: rule.name, result: 'matched' }
  })
}
