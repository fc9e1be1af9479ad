import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'
import { Source } from '../event.js'
import { ingest } from '../ingest.js'

/**
 * `POST /webhooks/:source`: 202 { event_id } · 200 { ignored } · 200 { duplicate, event_id }. Rejections are typed
 * errors (400/401/413/415/503) answered by src/http/on-error.ts.
 */
export function webhooks(deps: AppDeps): Hono {
  const app = new Hono()
  app.post('/:source', async (c) => {
    const source = Source.safeParse(c.req.param('source'))
    if (!source.success) {
      return c.json({ error: `unknown source "${c.req.param('source').slice(0, 50)}"; use one of ${Source.options.join(', ')}` }, 404)
    }
    const r = await ingest(deps, source.data, c.req.raw)
    switch (r.outcome) {
      case 'accepted':
        return c.json({ event_id: r.event_id }, 202)
      case 'duplicate':
        return c.json({ duplicate: true, event_id: r.event_id }, 200)
      case 'ignored':
        return c.json({ ignored: r.reason }, 200)
    }
  })
  return app
}
