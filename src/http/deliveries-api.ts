import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { parseDeliveryId, retryDead } from '../app/retry.js'
import { deliveryView, parseDeliveryStatus } from '../app/delivery-view.js'
import { parseLimit } from './query-limit.js'

/**
 * `GET /api/deliveries?status=pending|sent|retrying|dead|dry_run|silenced&limit=N` (newest first) and
 * `POST /api/deliveries/:id/retry` (a dead letter back to pending; the worker is woken).
 */
export function deliveriesApi(deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const status = parseDeliveryStatus(c.req.query('status'))
    const limit = parseLimit(c.req.query('limit'))
    const rows = await deps.store.listDeliveries({ status, limit })
    return c.json({ deliveries: rows.map(deliveryView) })
  })
  app.post('/:id/retry', async (c) => {
    const id = parseDeliveryId(c.req.param('id'))
    await retryDead(deps, id)
    return c.json({ id, status: 'pending' })
  })
  return app
}
