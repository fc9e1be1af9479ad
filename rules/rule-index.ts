import { SOURCES } from '../adapters/index.js'
import { KINDS, STATUSES } from '../src/event.js'
import type { CompiledRule } from './compiled-rule.js'
import type { MatchInput } from './match.js'
import type { Transition } from '../src/routing.js'

/**
 * The rules an event can match, in file order, per key: source, kind, status, finished and transition. A rule whose
 * `keyed` conditions fail for a key can never match an event with that key, so route() need not visit it; with many
 * team rules (`status: failed`, `kind: deploy`, `source: jenkins`) most events visit a small part of the file.
 * Filled lazily from the rules' own condition tests on the first event with each key, so an event is judged by the
 * same code whether it walks the index or the whole list. Slots are numbered, not named: building a string key per
 * event cost more than matching a small rules file. At most sources × 3 × 8 × 2 × 5 slots (80 per source), a few dozen in practice.
 * A long list is narrowed once more by the event's project (byProject), for files of rules told apart only by their
 * project patterns.
 */
export type RuleIndex = {
  slots: (CompiledRule[] | undefined)[]
  /**
   * Per slot whose list is long, the list again narrowed by the event's project path: a rule whose `project` patterns
   * reject the path is dropped. `project` reads nothing but the path, so one test per (slot, path) decides it. Paths
   * come from webhooks, unbounded: past PROJECT_MEMO_MAX entries in all, every memo is dropped and refilled.
   */
  byProject: (Map<string, CompiledRule[]> | undefined)[]
  projectEntries: number
  /** Ordinal of each source this file knows: the built-in ones, then its own `sources:`. */
  sources: Map<string, number>
}

const TRANSITIONS: readonly (Transition | null)[] = ['broken', 'fixed', 'still_failing', 'first', null]
const SLOTS_PER_SOURCE = KINDS.length * STATUSES.length * 2 * TRANSITIONS.length

/**
 * Every slot allocated up front: the arrays never grow or change shape while events arrive. `configured`: the ids
 * of the file's own sources, which get slots as the built-in ones do (a rules reload builds a new index).
 */
export const emptyIndex = (configured: readonly string[] = []): RuleIndex => {
  const sources = ordinals<string>([...SOURCES, ...configured])
  const slots = sources.size * SLOTS_PER_SOURCE
  return {
    slots: new Array<CompiledRule[] | undefined>(slots).fill(undefined),
    byProject: new Array<Map<string, CompiledRule[]> | undefined>(slots).fill(undefined),
    projectEntries: 0,
    sources,
  }
}

/** A slot's list this long is narrowed by project too; a shorter one costs less to walk than to look up. */
export const PROJECT_MEMO_MIN = 8
export const PROJECT_MEMO_MAX = 4096
const ordinals = <T>(values: readonly T[]) => new Map(values.map((v, i) => [v, i] as [T, number]))
const KIND = ordinals(KINDS)
const STATUS = ordinals(STATUSES)
const TRANSITION = ordinals(TRANSITIONS)

const decide = (rules: CompiledRule[], m: MatchInput) => rules.filter((r) => r.conditions.every((c) => !c.keyed || c.test(m)))

export function candidates(rules: { rules: CompiledRule[]; index: RuleIndex }, m: MatchInput): CompiledRule[] {
  const e = m.event
  const index = rules.index
  const s = index.sources.get(e.source)
  const k = KIND.get(e.kind)
  const st = STATUS.get(e.status)
  const t = TRANSITION.get(m.transition)
  // Not a value the event schema allows (a test's hand-made event): judged in full, not cached under a wrong slot.
  if (s === undefined || k === undefined || st === undefined || t === undefined || typeof e.finished !== 'boolean') return decide(rules.rules, m)
  const slot = (((s * KINDS.length + k) * STATUSES.length + st) * 2 + (e.finished ? 1 : 0)) * TRANSITIONS.length + t
  const list = (index.slots[slot] ??= decide(rules.rules, m))
  if (list.length < PROJECT_MEMO_MIN) return list
  const path = e.project.path
  const memo = index.byProject[slot]
  const known = memo?.get(path)
  if (known) return known
  const narrowed = list.filter((r) => r.conditions.every((c) => c.key !== 'project' || c.test(m)))
  if (index.projectEntries >= PROJECT_MEMO_MAX) {
    index.byProject.fill(undefined)
    index.projectEntries = 0
  }
  ;(index.byProject[slot] ??= new Map()).set(path, narrowed)
  index.projectEntries++
  return narrowed
}
