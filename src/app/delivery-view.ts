import { redactRobotUrl } from '../platforms/redact.js'
import { PayloadError } from '../errors.js'
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../store/types.js'

/** What the API shows of a delivery, wherever it appears: times as ISO strings, errmsg scrubbed of URL credentials. */
export function deliveryView(d: Delivery) {
  return {
    id: d.id,
    event_id: d.event_id,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    last_errcode: d.last_errcode ?? null,
    last_errmsg: d.last_errmsg === undefined ? null : redactRobotUrl(d.last_errmsg),
    created_at: d.created_at,
    next_attempt_at: d.status === 'pending' || d.status === 'retrying' ? new Date(d.next_attempt_at).toISOString() : null,
    sent_at: d.sent_at ?? null,
    digest_of: d.digest_of ?? null,
    silenced_by: d.status === 'silenced' ? (d.muted_by ?? null) : null,
    // Held (or dropped) by a rule's time intervals: the window its catch-up sums up, and when that window ends.
    held: (d.status === 'held' || d.status === 'dropped') && d.muted_by !== undefined ? { window: d.muted_by, until: new Date(d.next_attempt_at).toISOString() } : null,
    catch_up_of: d.catch_up_of ?? null,
    rules: d.route.rules,
  }
}

/** A `status=` filter: one of the delivery statuses, else a 400 naming them; undefined when absent. */
export function parseDeliveryStatus(raw: string | undefined): DeliveryStatus | undefined {
  if (raw === undefined) return undefined
  if (!(DELIVERY_STATUSES as readonly string[]).includes(raw)) {
    throw new PayloadError(`status must be one of ${DELIVERY_STATUSES.join(', ')}; got "${raw.slice(0, 20)}"`)
  }
  return raw as DeliveryStatus
}
