import { Hono, type Context } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { ingest, type IncomingWebhook } from '../app/ingest.js'
import { sourceNames, sourceOf } from '../app/source-of.js'
import { bodyBudget, type Claim } from './body-budget.js'
import { declaredLength, decodeUtf8, readBody } from './read-body.js'
import { clientAddress } from '../app/client-address.js'

/**
 * `POST /webhooks/:source`, for a built-in source or one the running rules file defines (looked up per request: a
 * reload adds and removes endpoints; a name that is neither is a 404): 202 { event_id } · 200 { ignored } · 200 { duplicate, event_id }. Rejections are typed
 * errors (400/401/413/415/503) answered by src/http/on-error.ts. Any other method is a 405 naming POST.
 */
export function webhooks(deps: AppDeps): Hono {
  const app = new Hono()
  // One budget per source for the bytes of the bodies it is receiving at once (IN_FLIGHT_LIMIT). Per source: a
  // source whose secret is checked from the head (GitLab, Jenkins) claims bytes only once the secret is right, so a
  // stranger's stalled uploads to another source, whose signature needs the body, cannot starve it.
  const budgets = new Map<string, ReturnType<typeof bodyBudget>>()
  const budgetOf = (s: string) => budgets.get(s) ?? budgets.set(s, bodyBudget(deps.settings.inFlightLimit)).get(s)!
  app.post('/:source', async (c) => {
    const source = sourceOf(deps, c.req.param('source'))
    if (!source) return unknownSource(c, deps)
    const claim = budgetOf(source.name).claim()
    let r
    try {
      r = await ingest(deps, source, incoming(c.req.raw, deps.settings.bodyLimit, claim), { client: clientAddress(c.env), ...(deps.now && { now: new Date(deps.now()) }) })
    } finally {
      claim.release()
    }
    switch (r.outcome) {
      case 'accepted':
        return c.json({ event_id: r.event_id }, 202)
      case 'duplicate':
        return c.json({ duplicate: true, event_id: r.event_id }, 200)
      case 'ignored':
        return c.json({ ignored: r.reason }, 200)
    }
  })
  app.all('/:source', (c) => {
    if (!sourceOf(deps, c.req.param('source'))) return unknownSource(c, deps)
    return c.json({ error: `use POST: ${c.req.method} is not how a CI sends a webhook` }, 405, { allow: 'POST' })
  })
  return app
}

/** The request as ingest takes it: the body is read only when ingest asks, each byte counted against `claim`. */
function incoming(req: Request, bodyLimit: number, claim: Claim): IncomingWebhook {
  return {
    headers: req.headers,
    query: new URL(req.url).searchParams,
    declaredLength: declaredLength(req, Infinity),
    body: async () => decodeUtf8(await readBody(req, bodyLimit, claim)),
  }
}

const unknownSource = (c: Context, deps: AppDeps) =>
  c.json({ error: `unknown source "${c.req.param('source')!.slice(0, 50)}"; use one of ${sourceNames(deps.rules.current).join(', ')}` }, 404)

