import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { PayloadError } from '../errors.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

/** `GET /api/events?limit=N` (newest first) and `GET /api/events/:id`, each `{ event, routing, deliveries }`. */
export function eventsApi(deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const limit = parseLimit(c.req.query('limit'))
    return c.json({ events: await deps.store.listEvents(limit) })
  })
  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const stored = await deps.store.getEvent(id)
    if (!stored) return c.json({ error: `no event with id "${id.slice(0, 100)}"` }, 404)
    return c.json(stored)
  })
  return app
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIMIT) {
    throw new PayloadError(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${raw.slice(0, 20)}"`)
  }
  return n
}
