import { Hono } from 'hono'
import type { AppDeps } from '../app/deps.js'
import { adminAuth } from './admin-auth.js'
import { tokenChecker } from '../app/admin-token.js'
import { onError } from './on-error.js'
import { webhooks } from './webhooks.js'
import { eventsApi } from './events-api.js'
import { deliveriesApi } from './deliveries-api.js'
import { opsRoutes } from './ops.js'
import { silencesApi } from './silences-api.js'
import { consoleRoutes } from '../console/index.js'

/** The HTTP surface. Tests call `createApp(deps).request(…)` without opening a port. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  app.onError(onError(deps.log))
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404))

  app.route('/webhooks', webhooks(deps))
  const token = deps.settings.adminToken
  const checkToken = token ? tokenChecker(token, deps.log, () => deps.now?.() ?? Date.now()) : undefined
  app.use('/api/*', adminAuth(checkToken))
  app.use('/-/*', adminAuth(checkToken))
  app.route('/api/events', eventsApi(deps))
  app.route('/api/deliveries', deliveriesApi(deps))
  app.route('/api/silences', silencesApi(deps))
  // `/console/` is the address the README and the banner give; the console's own routes have no trailing slash.
  app.get('/console/', (c) => c.redirect('/console/events', 303))
  app.route('/console', consoleRoutes(deps, checkToken))
  app.route('/', opsRoutes(deps))
  return app
}
