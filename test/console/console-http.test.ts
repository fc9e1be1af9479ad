import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { gitlabReq } from '../http/requests.js'
import { browserLike, csrfOf } from './helpers.js'
import { XSS, xssPipeline } from './payloads.js'

const ADMIN = 'admin-token-5b1e0c9d'
let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

async function setup(o: { adminToken?: string } = {}) {
  let now = Date.parse('2026-12-05T08:00:00Z')
  deps = await testDeps({ settings: { adminToken: o.adminToken, consoleSessionMs: 3_600_000 } })
  deps.now = () => now
  const app = createApp(deps)
  return { app, b: browserLike(app), advance: (ms: number) => (now += ms) }
}

async function post(app: ReturnType<typeof createApp>, body = xssPipeline()) {
  const r = gitlabReq({ body, token: null })
  const res = await app.request(r.path, r.init)
  expect(res.status).toBe(202)
  return (await res.json()).event_id as string
}

describe('console auth', () => {
  it('with ADMIN_TOKEN, sends every page to the login, and a wrong token gets 401 and no session', async () => {
    const { b } = await setup({ adminToken: ADMIN })
    const page = await b.get('/console/events')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/console/login')
    expect((await b.post('/console/login', { token: ADMIN }, { origin: 'https://evil.example' })).status).toBe(403)
    const wrong = await b.post('/console/login', { token: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.getSetCookie()).toEqual([])
    expect((await b.get('/console/events')).status).toBe(303)
  })

  it('logs in with the token: an HttpOnly, SameSite=Strict, expiring session; it ends at its time and at logout', async () => {
    const { b, advance } = await setup({ adminToken: ADMIN })
    const login = await b.post('/console/login', { token: ADMIN })
    expect(login.status).toBe(303)
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cin_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Max-Age=3600/)
    expect(cookie).not.toContain(ADMIN)
    const events = await b.get('/console/events')
    expect(events.status).toBe(200)
    const html = await events.text()
    expect(html).not.toContain('id="open-warning"')

    // Logout needs the CSRF token like any POST, then the cookie is gone.
    expect((await b.post('/console/logout', {})).status).toBe(403)
    expect((await b.post('/console/logout', { _csrf: csrfOf(html) })).status).toBe(303)
    expect((await b.get('/console/events')).status).toBe(303)

    await b.post('/console/login', { token: ADMIN })
    expect((await b.get('/console/events')).status).toBe(200)
    advance(3_600_000)
    expect((await b.get('/console/events')).status).toBe(303)
  })

  it('refuses a forged session cookie and a POST without a session', async () => {
    const { app } = await setup({ adminToken: ADMIN })
    const forged = await app.request('/console/events', { headers: { cookie: 'cin_session=9999999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })
    expect(forged.status).toBe(303)
    const res = await app.request('/console/silences', { method: 'POST', body: new URLSearchParams({ comment: 'x' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(401)
  })

  it('without ADMIN_TOKEN, is open with a warning banner on every page', async () => {
    const { b } = await setup()
    for (const p of ['/console/events', '/console/deliveries', '/console/silences', '/console/targets', '/console/rules', '/console/playground']) {
      const res = await b.get(p)
      expect(res.status, p).toBe(200)
      expect(await res.text(), p).toContain('id="open-warning"')
    }
    expect((await b.get('/console/login')).status).toBe(303)
    for (const p of ['/console/', '/console']) {
      const res = await b.get(p)
      expect(res.status, p).toBe(303)
      expect(res.headers.get('location'), p).toBe('/console/events')
    }
  })
})

describe('console CSRF', () => {
  it('refuses a state-changing form without the token, with a wrong one, or from another origin', async () => {
    const { app, b } = await setup()
    const id = await post(app)
    const form = await (await b.get(`/console/silences/new?event=${id}`)).text()
    const fields = { matchers: 'project: gitlab-org/gitlab-test', duration: '2h', comment: 'runner swap', created_by: 'ops' }
    expect((await b.post('/console/silences', fields)).status).toBe(403)
    expect((await b.post('/console/silences', { ...fields, _csrf: 'x'.repeat(43) })).status).toBe(403)
    expect((await b.post('/console/silences', { ...fields, _csrf: csrfOf(form) }, { origin: 'https://evil.example' })).status).toBe(403)
    expect(await deps.store.listSilences({ endedAfter: 0 })).toEqual([])
    const ok = await b.post('/console/silences', { ...fields, targets: ['ops'], _csrf: csrfOf(form) })
    expect(ok.status).toBe(303)
    expect((await deps.store.listSilences({ endedAfter: 0 })).map((s) => [s.comment, s.targets])).toEqual([['runner swap', ['ops']]])
  })

  it('refuses a token from another session', async () => {
    const { app, b } = await setup()
    const other = browserLike(app)
    const theirs = csrfOf(await (await other.get('/console/silences')).text())
    await b.get('/console/silences')
    expect((await b.post('/console/silences', { matchers: 'kind: build', duration: '1h', comment: 'c', created_by: 'o', _csrf: theirs })).status).toBe(403)
  })
})

describe('console escaping', () => {
  it('shows a branch and commit text carrying markup as text, and never links a javascript: URL', async () => {
    const { app, b } = await setup()
    const id = await post(app)
    for (const path of ['/console/events', `/console/events/${id}`, '/console/events?fragment=1']) {
      const html = await (await b.get(path)).text()
      expect(html, path).toContain('fix/&lt;script&gt;window.__xss=1&lt;/script&gt;')
      expect(html, path).not.toContain('<script>window')
      expect(html, path).not.toMatch(/<img[^>]*onerror/i)
      expect(html, path).not.toMatch(/<svg[^>]*onload/i)
      expect(html, path).not.toContain('href="javascript:')
    }
    const detail = await (await b.get(`/console/events/${id}`)).text()
    expect(detail).toContain('&lt;img src=x onerror=')
    expect(XSS.url.startsWith('javascript:')).toBe(true)
  })

  it('shows the kept webhook headers on the event page, a header carrying markup as text, never the token', async () => {
    deps = await testDeps({ settings: { secrets: { gitlab: 'gl-console-tok-77' } } })
    const app = createApp(deps)
    const r = gitlabReq({ token: 'gl-console-tok-77', key: 'key-<b>1</b>' })
    r.init.headers['user-agent'] = '<script>window.__xss=5</script>'
    const res = await app.request(r.path, r.init)
    expect(res.status).toBe(202)
    const html = await (await browserLike(app).get(`/console/events/${(await res.json()).event_id}`)).text()
    const dl = /<dl class="fields" id="request-headers">(.*?)<\/dl>/s.exec(html)?.[1] ?? ''
    expect(dl).toContain('<dt>x-gitlab-event</dt><dd>Pipeline Hook</dd>')
    expect(dl).toContain('<dt>idempotency-key</dt><dd>key-&lt;b&gt;1&lt;/b&gt;</dd>')
    expect(dl).toContain('<dt>user-agent</dt><dd>&lt;script&gt;window.__xss=5&lt;/script&gt;</dd>')
    expect(html).not.toContain('<script>window')
    expect(html).not.toContain('gl-console-tok-77')
    expect(html).not.toContain('x-gitlab-token')
  })

  it('sends a Content-Security-Policy that admits only its own script', async () => {
    const { b } = await setup()
    const res = await b.get('/console/events')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})

describe('console pages', () => {
  it('follows the rules locale, and ?lang= switches it and is remembered', async () => {
    const { b } = await setup()
    expect(await (await b.get('/console/events')).text()).toContain('<html lang="zh-CN">')
    expect(await (await b.get('/console/events?lang=en')).text()).toContain('<html lang="en">')
    expect(await (await b.get('/console/events')).text()).toContain('<html lang="en">')
  })

  it('answers a bad filter with 400 naming it', async () => {
    const { b } = await setup()
    const res = await b.get('/console/events?status=exploded')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('status must be one of')
  })

  it('filters the list', async () => {
    const { app, b } = await setup()
    await post(app)
    const html = async (q: string) => (await b.get(`/console/events?fragment=1&${q}`)).text()
    expect(await html('branch=fix/')).toContain('data-event=')
    expect(await html('branch=main')).not.toContain('data-event=')
    expect(await html('source=jenkins')).not.toContain('data-event=')
    expect(await html('transition=first')).toContain('data-event=')
  })

  it('retries a dead delivery only after the confirm step, with the same code as the API', async () => {
    const { app, b } = await setup()
    const id = await post(app)
    const [d] = (await deps.store.getEvent(id))!.deliveries
    await deps.store.markDead(d.id, { errmsg: 'robot said no' })
    const confirm = await (await b.get(`/console/deliveries/${d.id}/retry`)).text()
    expect(confirm).toContain('id="confirm"')
    expect((await deps.store.getDelivery(d.id))!.status).toBe('dead')
    const res = await b.post(`/console/deliveries/${d.id}/retry`, { _csrf: csrfOf(confirm) })
    expect(res.status).toBe(303)
    expect((await deps.store.getDelivery(d.id))!.status).toBe('pending')
    // Twice is a 409, as from the API.
    expect((await b.post(`/console/deliveries/${d.id}/retry`, { _csrf: csrfOf(confirm) })).status).toBe(409)
  })

  it('shows a silence form error as a 400 naming the field', async () => {
    const { b } = await setup()
    const page = await (await b.get('/console/silences')).text()
    const res = await b.post('/console/silences', { matchers: 'projekt: x', duration: '2h', comment: 'c', created_by: 'o', _csrf: csrfOf(page) })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('matchers.projekt')
  })

  it('previews a pasted payload in the playground without storing or sending anything', async () => {
    const { b } = await setup()
    const page = await (await b.get('/console/playground')).text()
    const res = await b.post('/console/playground', { _csrf: csrfOf(page), source: 'gitlab', payload: xssPipeline(), event: '', rules: '', headers: '', previous: '' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('data-rule="everything"')
    expect(html).toContain('class="bubble"')
    expect(await deps.store.listEvents(10)).toEqual([])
  })

  it('shows a rules file that does not load, in the playground, with its line', async () => {
    const { b } = await setup()
    const page = await (await b.get('/console/playground')).text()
    const res = await b.post('/console/playground', { _csrf: csrfOf(page), source: 'gitlab', payload: xssPipeline(), rules: 'targets: {}\nrules:\n  - name: x\n    notify: [nobody]\n' })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/&lt;playground&gt;:\d+/)
  })
})
