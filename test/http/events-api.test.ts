import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { ConfigError } from '../../src/errors.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { gitlabReq, githubReq, jenkinsReq } from './requests.js'

const ADMIN = 'admin-token-5b1e0c9d'
let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

async function appWithEvents(settings = {}) {
  deps = await testDeps({ settings: { secrets: {}, ...settings } })
  const app = createApp(deps)
  const ids: string[] = []
  for (const r of [gitlabReq(), jenkinsReq(), githubReq()]) {
    const res = await app.request(r.path, r.init)
    expect(res.status).toBe(202)
    ids.push((await res.json()).event_id)
  }
  return { app, ids }
}

describe('GET /api/events', () => {
  it('lists the newest first, each with its routing and deliveries', async () => {
    const { app, ids } = await appWithEvents()
    const res = await app.request('/api/events')
    expect(res.status).toBe(200)
    const { events } = await res.json()
    expect(events.map((e: { event: { id: string } }) => e.event.id)).toEqual([...ids].reverse())
    expect(events[0]).toMatchObject({ event: { source: 'github' }, routing: { matched: ['everything'] }, deliveries: [{ target: 'ops', status: 'pending' }] })
  })

  it('honours limit', async () => {
    const { app, ids } = await appWithEvents()
    const { events } = await (await app.request('/api/events?limit=1')).json()
    expect(events.map((e: { event: { id: string } }) => e.event.id)).toEqual([ids[2]])
  })

  it.each(['0', '501', 'abc', '1.5', '-3', ''])('refuses limit=%s with 400 naming limit', async (limit) => {
    const { app } = await appWithEvents()
    const res = await app.request(`/api/events?limit=${limit}`)
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/^limit must be an integer from 1 to 500/)
  })

  it('returns one event by id, 404 with a message for an unknown id', async () => {
    const { app, ids } = await appWithEvents()
    const one = await app.request(`/api/events/${ids[1]}`)
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ event: { id: ids[1], source: 'jenkins' }, routing: {}, deliveries: [{ target: 'ops' }] })
    const missing = await app.request('/api/events/evt_nope')
    expect(missing.status).toBe(404)
    expect((await missing.json()).error).toBe('no event with id "evt_nope"')
  })

  it('needs the admin token when one is set', async () => {
    const { app, ids } = await appWithEvents({ adminToken: ADMIN })
    expect((await app.request('/api/events')).status).toBe(401)
    expect((await app.request(`/api/events/${ids[0]}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    const ok = await app.request('/api/events', { headers: { authorization: `Bearer ${ADMIN}` } })
    expect(ok.status).toBe(200)
    expect(await ok.text()).not.toContain(ADMIN)
  })
})

describe('GET /api/events/:id holds no secret (issue 16 item 13)', () => {
  const env = { OPS_HOOK: 'https://oapi.dingtalk.com/robot/send?access_token=hook-tok-31337', OPS_SECRET: 'SECsign31337', ADMIN_TOKEN: ADMIN, GITLAB_WEBHOOK_TOKEN: 'gl-tok-31337' }
  const rules = (template: string) => `targets:
  ops: { type: dingtalk, webhook: "\${OPS_HOOK}", secret: "\${OPS_SECRET}", keyword: CI }
rules:
  - { name: everything, notify: [ops], template: ${template} }
`

  it('a template or keyword asking for a secret by ${VAR} is refused when the rules load', async () => {
    await expect(testDeps({ rulesYaml: rules('{ title: "deploy \${ADMIN_TOKEN}" }'), env })).rejects.toThrow(ConfigError)
    await expect(testDeps({ rulesYaml: rules('{ title: "x" }').replace('keyword: CI', 'keyword: "\${GITLAB_WEBHOOK_TOKEN}"'), env })).rejects.toThrow(ConfigError)
  })

  it('the stored routing names the target, never its webhook or secret; $${X} stays literal text', async () => {
    deps = await testDeps({ rulesYaml: rules('{ title: "{{project.path}} $\${ADMIN_TOKEN}" }'), env, settings: { secrets: {} } })
    const app = createApp(deps)
    const r = gitlabReq()
    const res = await app.request(r.path, r.init)
    expect(res.status).toBe(202)
    const one = await app.request(`/api/events/${(await res.json()).event_id}`)
    const text = await one.text()
    expect(JSON.parse(text)).toMatchObject({ routing: { targets: [{ target: 'ops', template: { title: '{{project.path}} ${ADMIN_TOKEN}' } }] }, deliveries: [{ target: 'ops' }] })
    for (const secret of Object.values(env)) expect(text).not.toContain(secret)
    expect(text).not.toContain('hook-tok')
  })
})
