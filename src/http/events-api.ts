import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import type { StoredEvent } from '../store/types.js'
import { deliveryView } from '../app/delivery-view.js'
import { parseLimit } from './query-limit.js'

/** `GET /api/events?limit=N` (newest first) and `GET /api/events/:id`, each `{ event, routing, deliveries }`. */
export function eventsApi(deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const limit = parseLimit(c.req.query('limit'))
    return c.json({ events: (await deps.store.listEvents(limit)).map(view) })
  })
  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const stored = await deps.store.getEvent(id)
    if (!stored) return c.json({ error: `no event with id "${id.slice(0, 100)}"` }, 404)
    return c.json(view(stored))
  })
  return app
}

const view = (s: StoredEvent) => ({ ...s, deliveries: s.deliveries.map(deliveryView) })
