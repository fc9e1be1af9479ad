import { compileMatch, matchInput, type Condition } from '../../rules/match.js'
import type { Problem } from '../../rules/problems.js'
import { Match } from '../../rules/schema.js'
import type { CommonEvent } from '../event.js'
import type { Transition } from '../routing.js'
import { silenceState, type Silence } from '../silence.js'

/** A silence ready to match: its matchers compiled once by the rules' own compiler (globs, /regex/, !, lists). */
export type CompiledSilence = Silence & {
  covers(target: string, event: CommonEvent, transition: Transition | null, now: number): boolean
}

/**
 * Compiles a silence's matchers as a rule's `match` is compiled. Problems (an unknown key, a bad pattern) are pushed
 * with their path under `matchers`; a silence with problems matches nothing.
 */
export function compileSilence(s: Silence, problems: Problem[] = []): CompiledSilence {
  const parsed = Match.safeParse(s.matchers)
  const before = problems.length
  let conditions: Condition[] = []
  if (parsed.success) conditions = compileMatch(parsed.data, ['matchers'], problems)
  else problems.push({ path: ['matchers'], message: 'not a valid match block' })
  const sound = problems.length === before && conditions.length > 0
  return {
    ...s,
    covers(target, event, transition, now) {
      if (!sound || silenceState(s, now) !== 'active') return false
      if (s.targets && !s.targets.includes(target)) return false
      const m = matchInput(event, transition)
      return conditions.every((c) => c.test(m))
    },
  }
}
