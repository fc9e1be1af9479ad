import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { createSilence, expireSilence, listSilences, nowOf } from '../app/silences.js'
import { PayloadError } from '../errors.js'
import { silenceView } from '../silences/view.js'

/** A silence is a few hundred bytes; anything much larger is not one. */
const MAX_BODY = 64 * 1024

/**
 * `POST /api/silences` (201 with the silence), `GET /api/silences` (active, pending and recently expired, newest
 * first), `GET /api/silences/:id`, `DELETE /api/silences/:id` (expires it now; it stays listed). Behind the admin
 * token (src/http/server.ts). The work is src/app/silences.ts, which the console shares.
 */
export function silencesApi(deps: AppDeps): Hono {
  const app = new Hono()

  app.post('/', async (c) => {
    const text = await c.req.text()
    if (text.length > MAX_BODY) throw new PayloadError(`a silence is at most ${MAX_BODY} bytes of JSON`)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new PayloadError('the body is not JSON: send {"matchers": {…}, "duration": "2h", "comment": "…", "created_by": "…"}')
    }
    const s = await createSilence(deps, body)
    return c.json(silenceView(s, nowOf(deps)), 201)
  })

  app.get('/', async (c) => {
    const at = nowOf(deps)
    return c.json({ silences: (await listSilences(deps)).map((s) => silenceView(s, at)) })
  })

  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const s = await deps.store.getSilence(id)
    if (!s) return c.json({ error: `no silence with id "${id.slice(0, 100)}"` }, 404)
    return c.json(silenceView(s, nowOf(deps)))
  })

  app.delete('/:id', async (c) => {
    const id = c.req.param('id')
    const s = await expireSilence(deps, id)
    if (!s) return c.json({ error: `no silence with id "${id.slice(0, 100)}"` }, 404)
    return c.json(silenceView(s, nowOf(deps)))
  })
  return app
}
