import type { Delivery, DeliveryStatus, EventParts } from './types.js'

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
}

export type EventRow = { id: string; event: string; routing: string }

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
  return d
}

export function toEventParts(r: EventRow): EventParts {
  return { event: JSON.parse(r.event), routing: JSON.parse(r.routing) }
}
