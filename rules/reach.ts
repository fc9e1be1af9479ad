import { SOURCES } from '../adapters/index.js'
import { KINDS, STATUSES, type CommonEvent } from '../src/event.js'
import type { CompiledRule } from './compile.js'
import type { MatchInput } from './match.js'
import type { Problem } from './problems.js'
import type { Match, RulesFile } from './schema.js'
import type { Transition } from '../src/routing.js'

const TRANSITIONS: readonly (Transition | null)[] = ['broken', 'fixed', 'still_failing', 'first', null]

/**
 * Every event key: source, kind, status, finished and transition, all that a `keyed` condition reads (match.ts). A
 * superset of what occurs (a Jenkins deploy; a transition on any finished status): a rule shown unreachable over all
 * of them is unreachable by every real event, so a warning is never a false alarm. A transition needs a finished event.
 */
const keysOf = (sources: readonly string[]): readonly MatchInput[] =>
  sources.flatMap((source) =>
    KINDS.flatMap((kind) =>
      STATUSES.flatMap((status) =>
        [false, true].flatMap((finished) =>
          (finished ? TRANSITIONS : [null]).map((transition): MatchInput => ({ event: { source, kind, status, finished } as CommonEvent, transition, values: [] })),
        ),
      ),
    ),
  )

/** The keys of the built-in sources, computed once; a file with its own `sources:` adds theirs. */
const NATIVE_KEYS = keysOf(SOURCES)

/**
 * The keys for which the rule's keyed conditions hold: a rule can match an event only with one of these. Memoised by
 * what those conditions ask (`match` restricted to them): a large file repeats a few (`status: failed`, `kind: deploy`).
 */
function keysHeld(keys: readonly MatchInput[], rule: CompiledRule, match: Match | undefined, memo: Map<string, readonly number[]>): readonly number[] {
  const keyed = rule.conditions.filter((c) => c.keyed)
  if (keyed.length === 0) return keys.map((_, k) => k)
  const sig = JSON.stringify(keyed.map((c) => [c.key, match?.[c.key]]))
  const known = memo.get(sig)
  if (known) return known
  const out: number[] = []
  for (let k = 0; k < keys.length; k++) if (keyed.every((c) => c.test(keys[k]))) out.push(k)
  memo.set(sig, out)
  return out
}

const label = (r: CompiledRule) => `rules[${r.index}] "${r.name}"`

/**
 * Rules no event can reach: every key a rule admits is taken first by an earlier rule without `continue` that
 * decides on the key alone (no patterns), so matches every event with that key. A catch-all (no `match`, or one every
 * key satisfies) is the common case. Also rules whose own keyed conditions exclude each other.
 */
export function reachProblems(rules: CompiledRule[], config: RulesFile): Problem[] {
  const problems: Problem[] = []
  const keys = config.sources.length ? [...NATIVE_KEYS, ...keysOf(config.sources.map((s) => s.id))] : NATIVE_KEYS
  const memo = new Map<string, readonly number[]>()
  // Per key, the first rule that takes every event with it, if any.
  const takenBy: (CompiledRule | undefined)[] = new Array(keys.length).fill(undefined)
  let taken = 0
  const catchAll = new Set<CompiledRule>()
  for (const rule of rules) {
    const held = keysHeld(keys, rule, config.rules[rule.index]?.match, memo)
    if (held.length === 0) {
      problems.push({ path: ['rules', rule.index, 'match'], message: `"${rule.name}" can never match: no event has the source, kind, status, finished and transition it asks for together (a transition needs a finished event)` })
      continue
    }
    // Most rules have a key nothing took yet: found on the first few keys, without building the list below.
    if (taken > 0 && held.every((k) => takenBy[k] !== undefined)) {
      const by = [...new Set(held.map((k) => takenBy[k]!))]
      const why =
        by.length === 1 && catchAll.has(by[0])
          ? `${label(by[0])} matches every event and has no continue`
          : `every event it can match stops earlier, at ${by.map(label).join(', ')} (no continue)`
      problems.push({ path: ['rules', rule.index], message: `"${rule.name}" is never reached: ${why}` })
    }
    if (rule.continue || rule.conditions.some((c) => !c.keyed)) continue
    for (const k of held) {
      if (takenBy[k] !== undefined) continue
      takenBy[k] = rule
      taken++
    }
    if (held.length === keys.length) catchAll.add(rule)
  }
  return problems
}
