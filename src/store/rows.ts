import type { Silence } from '../silence.js'
import type { AcceptInput, Delivery, DeliveryStatus, EventParts, StoredEvent } from './types.js'

/** A `deliveries` row as SQL returns it (NULL for absent values, JSON as text). Shared by the SQL stores. */
export type DeliveryRow = {
  id: number
  event_id: string
  target: string
  status: string
  route: string
  msg_uuid: string
  attempts: number
  next_attempt_at: number
  created_at: string
  sent_at: string | null
  last_errcode: number | null
  last_errmsg: string | null
  digest_of: number | null
  /** JSON of DeliveryProgress. */
  progress: string | null
  muted_by: string | null
  catch_up_of: string | null
  in_group: string | null
  group_of: string | null
  reminder_since: number | string | null
}

export type EventRow = { id: string; event: string; routing: string; request?: string | null }

export function toDelivery(r: DeliveryRow): Delivery {
  const d: Delivery = {
    id: Number(r.id),
    event_id: r.event_id,
    target: r.target,
    status: r.status as DeliveryStatus,
    route: JSON.parse(r.route),
    msg_uuid: r.msg_uuid,
    attempts: Number(r.attempts),
    next_attempt_at: Number(r.next_attempt_at),
    created_at: r.created_at,
  }
  if (r.sent_at != null) d.sent_at = r.sent_at
  if (r.last_errcode != null) d.last_errcode = Number(r.last_errcode)
  if (r.last_errmsg != null) d.last_errmsg = r.last_errmsg
  if (r.digest_of != null) d.digest_of = Number(r.digest_of)
  if (r.progress != null) d.progress = JSON.parse(r.progress)
  if (r.muted_by != null) d.muted_by = r.muted_by
  if (r.catch_up_of != null) d.catch_up_of = r.catch_up_of
  if (r.in_group != null) d.in_group = r.in_group
  if (r.group_of != null) d.group_of = r.group_of
  if (r.reminder_since != null) d.reminder_since = Number(r.reminder_since)
  return d
}

/** A `silences` row as SQL returns it (BIGINT may come back as text; `catch_up` as 0/1 or a boolean). */
export type SilenceRow = {
  id: string
  matchers: string
  targets: string | null
  starts_at: number | string
  ends_at: number | string
  comment: string
  created_by: string
  catch_up: number | boolean
  created_at: number | string
  caught_up_at: number | string | null
}

export function toSilence(r: SilenceRow): Silence {
  const s: Silence = {
    id: r.id,
    matchers: JSON.parse(r.matchers),
    starts_at: Number(r.starts_at),
    ends_at: Number(r.ends_at),
    comment: r.comment,
    created_by: r.created_by,
    catch_up: r.catch_up === true || Number(r.catch_up) === 1,
    created_at: Number(r.created_at),
  }
  if (r.targets != null) s.targets = JSON.parse(r.targets)
  if (r.caught_up_at != null) s.caught_up_at = Number(r.caught_up_at)
  return s
}

/** The parameters of an INSERT INTO silences in column order (SILENCE_COLUMNS). */
export const SILENCE_COLUMNS = 'id, matchers, targets, starts_at, ends_at, comment, created_by, catch_up, created_at, caught_up_at'
export const silenceParams = (s: Silence) => [
  s.id,
  JSON.stringify(s.matchers),
  s.targets ? JSON.stringify(s.targets) : null,
  s.starts_at,
  s.ends_at,
  s.comment,
  s.created_by,
  s.catch_up ? 1 : 0,
  s.created_at,
  s.caught_up_at ?? null,
]

/** The events.request column of an accept: its kept headers as JSON; null when it has none to keep (a caller without a request). */
export const requestColumn = (input: Pick<AcceptInput, 'headers'>): string | null => (input.headers ? JSON.stringify({ headers: input.headers }) : null)

export function toEventParts(r: EventRow): EventParts & Pick<StoredEvent, 'request'> {
  return { event: JSON.parse(r.event), routing: JSON.parse(r.routing), ...(r.request && { request: JSON.parse(r.request) }) }
}
