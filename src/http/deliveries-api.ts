import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { PayloadError } from '../errors.js'
import { redactUrl } from '../redact.js'
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../store/types.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
/** How far back a retry looks for a delivery id to tell "not dead" (409) from "no such delivery" (404). */
const LOOKUP_LIMIT = 100_000

/**
 * `GET /api/deliveries?status=pending|sent|retrying|dead|dry_run&limit=N` (newest first) and
 * `POST /api/deliveries/:id/retry` (a dead letter back to pending; the worker is woken).
 */
export function deliveriesApi(deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const status = parseStatus(c.req.query('status'))
    const limit = parseLimit(c.req.query('limit'))
    const rows = await deps.store.listDeliveries({ status, limit })
    return c.json({ deliveries: rows.map(view) })
  })
  app.post('/:id/retry', async (c) => {
    const raw = c.req.param('id')
    if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw new PayloadError(`delivery id must be a positive integer, got "${raw.slice(0, 20)}"`)
    const id = Number(raw)
    if (await deps.store.requeue(id)) {
      deps.wake()
      return c.json({ id, status: 'pending' })
    }
    const found = (await deps.store.listDeliveries({ limit: LOOKUP_LIMIT })).find((d) => d.id === id)
    if (!found) return c.json({ error: `no delivery with id ${id}` }, 404)
    return c.json({ error: `delivery ${id} is ${found.status}, not dead: only dead letters can be retried` }, 409)
  })
  return app
}

/** What the API shows of a delivery: times as ISO strings, errmsg scrubbed of any URL credential. */
function view(d: Delivery) {
  return {
    id: d.id,
    event_id: d.event_id,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    last_errcode: d.last_errcode ?? null,
    last_errmsg: d.last_errmsg === undefined ? null : redactUrl(d.last_errmsg),
    created_at: d.created_at,
    next_attempt_at: d.status === 'pending' || d.status === 'retrying' ? new Date(d.next_attempt_at).toISOString() : null,
    sent_at: d.sent_at ?? null,
    digest_of: d.digest_of ?? null,
    rules: d.route.rules,
  }
}

function parseStatus(raw: string | undefined): DeliveryStatus | undefined {
  if (raw === undefined) return undefined
  if (!(DELIVERY_STATUSES as readonly string[]).includes(raw)) {
    throw new PayloadError(`status must be one of ${DELIVERY_STATUSES.join(', ')}; got "${raw.slice(0, 20)}"`)
  }
  return raw as DeliveryStatus
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIMIT) {
    throw new PayloadError(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${raw.slice(0, 20)}"`)
  }
  return n
}
