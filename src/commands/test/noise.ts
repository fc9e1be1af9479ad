import type { CompiledRules } from '../../../rules/compile.js'
import type { TargetRoute } from '../../routing.js'

/** `1h30m`, `30s`: a duration as the rules file writes it. */
function goDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = (ms % 60_000) / 1000
  return [h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join('') || '0s'
}

/**
 * What `ci-notify test` (and a golden case) says of a route beyond its message: whether the delivery would be held in
 * a group (its key, by the rule's group_by names, and the wait) and whether reminders would follow. Absent: neither.
 */
export function noiseOf(t: TargetRoute, rules: CompiledRules): { grouped?: string; reminder?: string } {
  const out: { grouped?: string; reminder?: string } = {}
  // A route its time intervals hold is stored held, not grouped (the store's accept): its hold line says so.
  if (t.group && !t.hold) {
    const by = rules.rules.find((r) => r.name === t.group!.rule)?.group?.by ?? []
    const values = JSON.parse(t.group.key) as unknown[]
    const key = by.length ? by.map((f, i) => `${f}=${typeof values[i] === 'string' ? values[i] : JSON.stringify(values[i])}`).join(', ') : 'one group for the rule'
    out.grouped = `${key} (rule "${t.group.rule}"): held ${goDuration(t.group.wait_ms)}, then sent in one message with every event that joined the group`
  }
  if (t.remind) out.reminder = `every ${goDuration(t.remind.every_ms)} while the pipeline stays broken and nothing newer arrives (rule "${t.remind.rule}")`
  return out
}
