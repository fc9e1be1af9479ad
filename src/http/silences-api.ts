import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { PayloadError } from '../errors.js'
import { newEventId } from '../ids.js'
import { parseSilence } from '../silences/parse.js'
import { silenceView } from '../silences/view.js'

/** Expired silences stay listed this long, so "what was muted last night" can still be read. */
export const RECENTLY_EXPIRED_MS = 24 * 3_600_000
/** A silence is a few hundred bytes; anything much larger is not one. */
const MAX_BODY = 64 * 1024

/**
 * `POST /api/silences` (201 with the silence), `GET /api/silences` (active, pending and recently expired, newest
 * first), `GET /api/silences/:id`, `DELETE /api/silences/:id` (expires it now; it stays listed). Behind the admin
 * token (src/http/server.ts). Every change tells the worker at once (AppDeps.silencesChanged); other replicas see it
 * within a second (src/silences/book.ts).
 */
export function silencesApi(deps: AppDeps): Hono {
  const app = new Hono()
  const now = () => deps.now?.() ?? Date.now()

  app.post('/', async (c) => {
    const text = await c.req.text()
    if (text.length > MAX_BODY) throw new PayloadError(`a silence is at most ${MAX_BODY} bytes of JSON`)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new PayloadError('the body is not JSON: send {"matchers": {…}, "duration": "2h", "comment": "…", "created_by": "…"}')
    }
    const at = now()
    const s = parseSilence(body, { now: at, id: `sil_${newEventId(new Date(at)).slice(4)}`, targets: Object.keys(deps.rules.current.targets) })
    await deps.store.addSilence(s)
    deps.silencesChanged?.()
    deps.log.info({ silence: s.id, matchers: s.matchers, targets: s.targets ?? 'all', ends_at: new Date(s.ends_at).toISOString(), created_by: s.created_by, catch_up: s.catch_up }, 'silence created')
    return c.json(silenceView(s, at), 201)
  })

  app.get('/', async (c) => {
    const at = now()
    const list = await deps.store.listSilences({ endedAfter: at - RECENTLY_EXPIRED_MS })
    return c.json({ silences: list.map((s) => silenceView(s, at)) })
  })

  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const s = await deps.store.getSilence(id)
    if (!s) return c.json({ error: `no silence with id "${id.slice(0, 100)}"` }, 404)
    return c.json(silenceView(s, now()))
  })

  app.delete('/:id', async (c) => {
    const id = c.req.param('id')
    const at = now()
    const s = await deps.store.expireSilence(id, at)
    if (!s) return c.json({ error: `no silence with id "${id.slice(0, 100)}"` }, 404)
    deps.silencesChanged?.()
    deps.log.info({ silence: s.id }, 'silence expired')
    return c.json(silenceView(s, at))
  })
  return app
}
