import { silenceState, type Silence } from '../silence.js'

const iso = (ms: number) => new Date(ms).toISOString()

/** What the API shows of a silence: times as ISO strings, its state now, every target when `targets` is null. */
export function silenceView(s: Silence, now: number) {
  return {
    id: s.id,
    state: silenceState(s, now),
    matchers: s.matchers,
    targets: s.targets ?? null,
    starts_at: iso(s.starts_at),
    ends_at: iso(s.ends_at),
    comment: s.comment,
    created_by: s.created_by,
    catch_up: s.catch_up,
    created_at: iso(s.created_at),
    caught_up_at: s.caught_up_at === undefined ? null : iso(s.caught_up_at),
  }
}
