import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { PayloadError } from '../errors.js'
import { deliveryView } from './delivery-view.js'
import { parseLimit } from './query-limit.js'
import { DELIVERY_STATUSES, type DeliveryStatus } from '../store/types.js'

/**
 * `GET /api/deliveries?status=pending|sent|retrying|dead|dry_run|silenced&limit=N` (newest first) and
 * `POST /api/deliveries/:id/retry` (a dead letter back to pending; the worker is woken).
 */
export function deliveriesApi(deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const status = parseStatus(c.req.query('status'))
    const limit = parseLimit(c.req.query('limit'))
    const rows = await deps.store.listDeliveries({ status, limit })
    return c.json({ deliveries: rows.map(deliveryView) })
  })
  app.post('/:id/retry', async (c) => {
    const raw = c.req.param('id')
    if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw new PayloadError(`delivery id must be a positive integer, got "${raw.slice(0, 20)}"`)
    const id = Number(raw)
    if (await deps.store.requeue(id)) {
      deps.wake()
      return c.json({ id, status: 'pending' })
    }
    const found = await deps.store.getDelivery(id)
    if (!found) return c.json({ error: `no delivery with id ${id}` }, 404)
    return c.json({ error: `delivery ${id} is ${found.status}, not dead: only dead letters can be retried` }, 409)
  })
  return app
}

function parseStatus(raw: string | undefined): DeliveryStatus | undefined {
  if (raw === undefined) return undefined
  if (!(DELIVERY_STATUSES as readonly string[]).includes(raw)) {
    throw new PayloadError(`status must be one of ${DELIVERY_STATUSES.join(', ')}; got "${raw.slice(0, 20)}"`)
  }
  return raw as DeliveryStatus
}
