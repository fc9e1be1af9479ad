import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps } from '../app/deps.js'
import { Locale } from '../locale.js'
import type { TokenChecker } from '../app/admin-token.js'
import { clientAddress } from '../app/client-address.js'
import { CSS, JS } from './assets.js'
import { fill, WORDS } from './i18n.js'
import { Layout } from './layout.js'
import { LoginPage } from './login-page.js'
import { csrfOk, csrfToken, newSession, openSession, sealSession, sessionKey, type Session } from './session.js'
import type { ConsoleApp, ConsoleEnv } from './view.js'
import { eventPages } from './events-page.js'
import { deliveryPages } from './deliveries-page.js'
import { silencePages } from './silences-page.js'
import { targetPages } from './targets-page.js'
import { rulesPage } from './rules-page.js'
import { playgroundPage } from './playground-page.js'


const SESSION_COOKIE = 'cin_session'
const LANG_COOKIE = 'cin_lang'

/**
 * Nothing but our own files, no inline script or style, no frames, forms posting only here: even if a CI string
 * escaped into the page as markup, the browser would not run it.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}

/**
 * The web console at /console/ (docs/console.md): server-rendered pages over the same service code as the admin API
 * (src/app/, src/http/status.ts, rules/explain.ts, src/app/preview.ts). With ADMIN_TOKEN a login sets a signed,
 * expiring, HttpOnly SameSite=Strict session cookie; without it the console is open, as the API is, and says so on
 * every page. The login counts wrong tokens with the admin API's (`checkToken`, src/app/admin-token.ts). Every POST
 * carries the session's CSRF token and, when the browser sends one, this origin.
 */
export function consoleRoutes(deps: AppDeps, checkToken: TokenChecker | undefined): ConsoleApp {
  const app = new Hono<ConsoleEnv>()
  const token = deps.settings.adminToken
  const key = sessionKey(token)
  const now = () => deps.now?.() ?? Date.now()

  app.onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500
    if (status === 500) deps.log.error({ err }, 'console: unhandled error')
    const message = status === 500 ? 'internal error' : err.message
    const v = c.get('view')
    if (!v) return c.text(message, status, SECURITY_HEADERS)
    return c.html(
      <Layout v={{ ...v, error: message }} title={String(status)}>
        <p>
          <a href="/console/events">{v.t.events}</a>
        </p>
      </Layout>,
      status,
      SECURITY_HEADERS,
    )
  })

  app.use('*', async (c, next) => {
    await next()
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, v)
  })

  app.get('/assets/console.css', (c) => c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' }))
  app.get('/assets/console.js', (c) => c.body(JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' }))

  // A pasted payload and a rules file in one form: twice a webhook's budget.
  app.use('*', bodyLimit({ maxSize: 2 * deps.settings.bodyLimit + 64 * 1024, onError: () => { throw new HTTPException(413, { message: 'the form is too large' }) } }))

  const lang = (c: Context): Locale => {
    const asked = Locale.safeParse(c.req.query('lang') ?? getCookie(c, LANG_COOKIE))
    return asked.success ? asked.data : deps.rules.current.config.defaults.locale
  }
  const secure = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
  const startSession = (c: Context): Session => {
    const s = newSession(now(), deps.settings.consoleSessionMs)
    setCookie(c, SESSION_COOKIE, sealSession(key, s), { path: '/console', httpOnly: true, sameSite: 'Strict', secure: secure(c), maxAge: Math.floor(deps.settings.consoleSessionMs / 1000) })
    return s
  }

  app.get('/login', (c) => {
    if (!token) return c.redirect('/console/events', 303)
    const l = lang(c)
    return c.html(<LoginPage t={WORDS[l]} lang={l} />)
  })
  app.post('/login', async (c) => {
    if (!token || !checkToken) return c.redirect('/console/events', 303)
    const l = lang(c)
    // No session yet, so no CSRF token: a login posted from another site is refused by its Origin.
    if (foreignOrigin(c)) throw new HTTPException(403, { message: WORDS[l].csrf })
    const form = await c.req.parseBody()
    const result = checkToken(clientAddress(c.env), typeof form.token === 'string' ? form.token : undefined)
    if (typeof result === 'object') {
      return c.html(<LoginPage t={WORDS[l]} lang={l} error={fill(WORDS[l].tooManyGuesses, { s: result.refusedForS })} />, 429, { 'retry-after': String(result.refusedForS) })
    }
    if (result === 'wrong') {
      deps.log.warn({ client: clientAddress(c.env) }, 'console: wrong admin token at login')
      return c.html(<LoginPage t={WORDS[l]} lang={l} error={WORDS[l].wrongToken} />, 401)
    }
    startSession(c)
    return c.redirect('/console/events', 303)
  })

  // Everything below needs a session: with ADMIN_TOKEN one from the login, without it one made here (it carries
  // the CSRF token only).
  app.use('*', async (c, next) => {
    let session = openSession(key, getCookie(c, SESSION_COOKIE), now())
    if (!session) {
      if (token) {
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/console/login', 303)
        throw new HTTPException(401, { message: 'log in first: /console/login' })
      }
      session = startSession(c)
    }
    c.set('session', session)
    const l = lang(c)
    if (c.req.query('lang') && l === c.req.query('lang')) setCookie(c, LANG_COOKIE, l, { path: '/console', sameSite: 'Strict', maxAge: 365 * 86400 })
    const t = WORDS[l]
    c.set('view', {
      t,
      lang: l,
      csrf: csrfToken(key, session),
      path: c.req.path,
      guarded: !!token,
      timezone: deps.rules.current.config.defaults.timezone,
      header: { version: deps.version, store: deps.settings.databaseUrl ? 'PostgreSQL' : 'SQLite', dryRun: deps.settings.dryRun, workerAlive: deps.workerAlive() },
    })
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (foreignOrigin(c)) throw new HTTPException(403, { message: t.csrf })
      const form = await c.req.parseBody()
      if (!csrfOk(key, session, form._csrf)) throw new HTTPException(403, { message: t.csrf })
    }
    await next()
  })

  app.post('/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/console' })
    return c.redirect(token ? '/console/login' : '/console/events', 303)
  })
  app.get('/', (c) => c.redirect('/console/events', 303))

  eventPages(app, deps)
  deliveryPages(app, deps)
  silencePages(app, deps)
  targetPages(app, deps)
  rulesPage(app, deps)
  playgroundPage(app, deps)
  return app
}

/**
 * A request whose browser says it comes from another site. Behind a proxy the URL the server sees may differ from the
 * browser's, so the Host header (what the browser used) counts too. No Origin header (an old browser, curl): not foreign.
 */
function foreignOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (!origin || origin === new URL(c.req.url).origin) return false
  try {
    return new URL(origin).host !== c.req.header('host')
  } catch {
    return true
  }
}
