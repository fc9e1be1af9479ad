import type { Hold } from '../src/routing.js'
import type { CompiledInterval } from './time-interval.js'

/** What of a rule decides holding: its intervals (resolved from the file's time_intervals) and what a hold becomes. */
export type Muting = { mute: CompiledInterval[]; active: CompiledInterval[]; catchUp: 'digest' | 'drop' }

/** How far ahead the end of a hold is looked for; a rule muted for longer is held this long at most. */
export const HOLD_HORIZON_MS = 366 * 86_400_000

/** Why the rule is muted at `ms`: the first mute interval that holds, "outside <active…>", or undefined (not muted). */
export function mutedBy(m: Muting, ms: number): string | undefined {
  const mute = m.mute.find((i) => i.contains(ms))
  if (mute) return mute.name
  if (m.active.length && !m.active.some((i) => i.contains(ms))) return `outside ${m.active.map((i) => i.name).join('+')}`
  return undefined
}

/**
 * Pure: whether a delivery routed by this rule at `ms` is held, and until when: the first moment the rule is not
 * muted any more, found by stepping from boundary to boundary of its intervals (a few steps a day). Every delivery
 * held until the same moment for the same reason shares one window, `interval:<reason>@<ISO end>`: its catch-up is
 * one digest per target.
 */
export function holdOf(m: Muting, ms: number): Hold | undefined {
  if (!m.mute.length && !m.active.length) return undefined
  const reason = mutedBy(m, ms)
  if (reason === undefined) return undefined
  const all = [...m.mute, ...m.active]
  let t = ms
  while (t - ms < HOLD_HORIZON_MS) {
    t = Math.min(...all.map((i) => i.nextBoundary(t)))
    if (mutedBy(m, t) === undefined) break
  }
  const until = Math.min(t, ms + HOLD_HORIZON_MS)
  return { until, reason, window: `interval:${reason}@${new Date(until).toISOString()}`, catch_up: m.catchUp }
}
