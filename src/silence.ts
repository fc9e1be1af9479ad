// A silence as the store keeps it, shared by the store (which persists it), the silences folder (which validates and
// matches it) and the HTTP layer (which shows it). Types only, beside src/event.ts, so none of those imports another.

/**
 * An ad hoc mute with an end, as Alertmanager's silences: while `starts_at <= now < ends_at`, a delivery whose event
 * its matchers match, to one of its targets, is not sent but recorded `silenced` with the silence's id. Times are
 * epoch ms.
 */
export type Silence = {
  /** `sil_` + a sortable id: newer silences sort after older ones. */
  id: string
  /** A rule's `match` block, as given: the same keys and patterns, compiled by the same code (rules/match.ts). */
  matchers: Record<string, unknown>
  /** The target names it covers; absent: every target. */
  targets?: string[]
  starts_at: number
  /** Expiring a silence (DELETE) moves its end to that moment; it never grows back. */
  ends_at: number
  comment: string
  created_by: string
  /** At its end, each target that held something gets one digest of it; otherwise what it held is dropped. */
  catch_up: boolean
  created_at: number
  /** When the catch-up digests were queued, by whichever replica claimed them first; absent until then. */
  caught_up_at?: number
}

export type SilenceState = 'pending' | 'active' | 'expired'

/** Pending before its start, active until its end (exclusive), expired from then on. */
export function silenceState(s: Pick<Silence, 'starts_at' | 'ends_at'>, now: number): SilenceState {
  if (now < s.starts_at) return 'pending'
  return now < s.ends_at ? 'active' : 'expired'
}
