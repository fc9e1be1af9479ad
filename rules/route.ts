import type { CommonEvent } from '../src/event.js'
import type { Decision } from '../src/routing.js'
import type { CompiledRule, CompiledRules } from './compile.js'
import { mentionsFor, unionMentions } from './people.js'
import { compare } from './transition.js'
import { matchInput, type Condition, type MatchInput } from './match.js'
import { candidates } from './rule-index.js'
import { holdOf } from './hold.js'
import { groupKey } from './group-key.js'
import type { PipelineState, TargetRoute } from '../src/routing.js'

/** Every condition of the rule, the index aside: what `ci-notify test` judges by, and what the index must agree with. */
export const matches = (rule: CompiledRule, m: MatchInput): boolean => rule.conditions.every((c) => c.test(m))

function holdsAll(conditions: Condition[], m: MatchInput): boolean {
  for (let i = 0; i < conditions.length; i++) if (!conditions[i].test(m)) return false
  return true
}

/**
 * Pure: the rules walked top to bottom, the first match stops unless it says `continue`. A target reached by several
 * rules gets one route with the union of their mentions; the first of them decides its grouping; it is held (time
 * intervals, rules/hold.ts) only when every one of those rules is muted at `at` (the event's arrival), with the first
 * one's hold. Returns the pipeline's new state when the event finished a run that is not older than `prev`.
 */
export function route(event: CommonEvent, rules: CompiledRules, prev: PipelineState | undefined, at = Date.parse(event.received_at)): Decision {
  const { transition, state } = compare(event, prev)
  const input = matchInput(event, transition)
  // A reminder follows only the newest finished run of a pipeline, and only a failed one.
  const broken = transition !== null && event.status === 'failed'
  const matched: string[] = []
  const byTarget = new Map<string, TargetRoute>()
  // Only the rules the index offers for this event's key; the others cannot match, so order and `continue` hold.
  for (const rule of candidates(rules, input)) {
    if (!holdsAll(rule.residual, input)) continue
    matched.push(rule.name)
    const mentions = mentionsFor(rules.people, event, rule.mention)
    const hold = rule.muting && holdOf(rule.muting, at)
    for (const target of rule.notify) {
      let t = byTarget.get(target)
      if (!t) {
        t = {
          target,
          rules: [],
          mentions: [],
          all: false,
          ...(rule.template && { template: rule.template }),
          ...(hold && { hold }),
          ...(rule.group && { group: { rule: rule.name, key: groupKey(rule.group.by, event, transition), wait_ms: rule.group.waitMs } }),
        }
        byTarget.set(target, t)
      } else if (!hold) {
        delete t.hold
      }
      if (rule.remindEveryMs !== undefined && broken && !t.remind) t.remind = { rule: rule.name, every_ms: rule.remindEveryMs }
      t.rules.push(rule.name)
      t.all ||= rule.all
      unionMentions(t.mentions, mentions)
    }
    if (!rule.continue) break
  }
  const targets = [...byTarget.values()]
  const unresolved = [...new Set(targets.flatMap((t) => t.mentions.filter((m) => !m.resolved).map((m) => m.name)))]
  return { routing: { transition, matched, targets, unresolved }, ...(state && { state }) }
}
