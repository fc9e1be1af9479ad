import type { CommonEvent } from '../../event.js'
import type { Decision } from '../../routing.js'
import type { CompiledRules } from '../../../rules/compile.js'
import { matchInput } from '../../../rules/match.js'
import { route } from '../../../rules/route.js'
import { compare } from '../../../rules/transition.js'
import type { PipelineState } from '../../routing.js'

/** What happened to one rule for one event, as `ci-notify test` shows it. */
export type Verdict =
  | { rule: string; result: 'matched' }
  | { rule: string; result: 'no'; reason: string }
  | { rule: string; result: 'not_reached'; stoppedBy: string; wouldMatch: boolean }

/** route() plus, for each rule, whether it matched or the first condition that did not hold. */
export function explain(event: CommonEvent, rules: CompiledRules, prev: PipelineState | undefined): { decision: Decision; verdicts: Verdict[] } {
  const decision = route(event, rules, prev)
  const input = matchInput(event, compare(event, prev).transition)
  let stoppedBy: string | undefined
  const verdicts = rules.rules.map((rule): Verdict => {
    const failed = rule.conditions.find((c) => !c.test(input))
    if (stoppedBy !== undefined) return { rule: rule.name, result: 'not_reached', stoppedBy, wouldMatch: !failed }
    if (failed) return { rule: rule.name, result: 'no', reason: failed.why(input) }
    if (!rule.continue) stoppedBy = rule.name
    return { rule: rule.name, result: 'matched' }
  })
  return { decision, verdicts }
}
