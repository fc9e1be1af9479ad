import { ConfigError } from '../errors.js'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps } from '../app/deps.js'
import { readiness } from './readiness.js'
import { status } from '../app/status.js'

/**
 * Operations surface: `/healthz` (the process answers), `/readyz` (it can take events), `/metrics` (Prometheus),
 * `/api/status` and `POST /-/reload` (admin token, mounted behind adminAuth in src/http/server.ts).
 */
export function opsRoutes(deps: AppDeps): Hono {
  const app = new Hono()

  app.get('/healthz', (c) => c.json({ status: 'ok' }))

  app.get('/readyz', async (c) => {
    const problems = await readiness(deps)
    if (problems.length) return c.json({ status: 'unavailable', reasons: problems }, 503)
    return c.json({ status: 'ready' })
  })

  app.get('/metrics', async (c) => {
    await refreshQueueGauges(deps)
    const body = await deps.metrics.registry.metrics()
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType })
  })

  app.get('/api/status', async (c) => c.json(await status(deps)))

  app.post('/-/reload', (c) => {
    try {
      deps.rules.reload()
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      // 422: the request was fine, the file on disk is not; the previous rules keep running.
      throw new HTTPException(422, { message: `rules reload failed, the previous rules are still running: ${err.message}` })
    }
    return c.json({ reloaded: true, ...deps.rules.status() })
  })

  return app
}

/** Queue gauges are read from the store at scrape time, so they are right whatever the worker is doing. */
async function refreshQueueGauges(deps: AppDeps): Promise<void> {
  try {
    const q = await deps.store.queueStats()
    deps.metrics.queueDepth.set(q.pending + q.retrying)
    deps.metrics.deadLetters.set(q.dead)
    deps.metrics.oldestPendingAge.set(q.oldestPendingAt ? Math.max(0, (Date.now() - Date.parse(q.oldestPendingAt)) / 1000) : 0)
  } catch (err) {
    // A scrape still answers with the other metrics; /readyz reports the store problem.
    deps.log.warn({ err }, 'metrics: cannot read queue stats from the store')
  }
}
