import { afterEach, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { buildkiteReq, circleciReq, circleSignature, CONFIGURED_ENV, configuredFixture, configuredRulesYaml, type Req } from '../helpers/configured-sources.js'

/** Sources defined only in the rules file, through the HTTP app: the same answers as for a built-in source. */

let deps: TestDeps
let app: Hono
async function setup() {
  deps = await testDeps({ rulesYaml: configuredRulesYaml(), env: CONFIGURED_ENV })
  app = createApp(deps)
}
afterEach(async () => {
  await deps?.close()
})

const send = async (r: Req) => {
  const res = await app.request(r.path, r.init)
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
const metric = async (name: string, labels: Record<string, string>) => {
  const m = (await deps.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name)
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0
}
function expectNoSecret(...texts: string[]) {
  const all = texts.join('\n') + deps.logs.join('\n')
  for (const s of Object.values(CONFIGURED_ENV)) expect(all).not.toContain(s)
}

describe('POST /webhooks/<configured id>', () => {
  it('buildkite: 202, the event normalized as the rules file says, stored, counted', async () => {
    await setup()
    const r = await send(buildkiteReq())
    expect(r.status).toBe(202)
    const [e] = await deps.store.listEvents(10)
    expect(e.event).toMatchObject({
      source: 'buildkite',
      kind: 'pipeline',
      status: 'failed',
      source_status: 'failed',
      finished: true,
      project: { path: 'acme/web-app', name: 'Web App' },
      ref: 'main',
      branch: 'main',
      sha: '3f1e2d9c8b7a60594837261504f3e2d1c0b9a887',
      number: 142,
      actor: { name: 'Li Lei' },
      commit: { title: 'Fix the login redirect', author: { email: 'lilei@example.com' } },
      url: 'https://buildkite.com/acme/web-app/builds/142',
      started_at: '2026-12-05T06:58:20.000Z',
      finished_at: '2026-12-05T07:03:02.000Z',
      duration_s: 282,
      delivery_id: '01907d5a-62e4-4a4c-9c44-5d1a3a7f3b11|failed|build.finished',
    })
    expect(await metric('ci_notify_events_received_total', { source: 'buildkite', status: 'failed' })).toBe(1)
    // What the event keeps of the request: its event header as the definition names it, never the token's header.
    expect((await deps.store.getEvent(e.event.id))?.request).toEqual({ headers: { 'content-type': 'application/json', 'x-buildkite-event': 'build.finished' } })
  })

  it('circleci: 202 with v1=<hex HMAC-SHA256>, one of several listed signatures is enough', async () => {
    await setup()
    const body = configuredFixture('circleci-workflow-completed-failed.json')
    const r = await send(circleciReq({ body, signature: `v1=${'0'.repeat(64)},${circleSignature(body, CONFIGURED_ENV.CIRCLECI_WEBHOOK_SECRET)}` }))
    expect(r.status).toBe(202)
    const [e] = await deps.store.listEvents(10)
    expect(e.event).toMatchObject({ source: 'circleci', status: 'failed', project: { path: 'acme/api-server', name: 'api-server' }, name: 'build-and-test', number: 130, delivery_id: '3888f21b-eaa7-38e3-8f3d-75a63bba8895' })
  })

  it('401 for a missing or wrong token or signature, naming the header and the variable, never the secret', async () => {
    await setup()
    const answers = [
      await send(buildkiteReq({ token: null })),
      await send(buildkiteReq({ token: 'nope' })),
      await send(circleciReq({ signature: null })),
      await send(circleciReq({ secret: 'other' })),
      await send(circleciReq({ body: configuredFixture('circleci-workflow-completed-failed.json').replace('failed', 'success'), signature: circleSignature(configuredFixture('circleci-workflow-completed-failed.json'), CONFIGURED_ENV.CIRCLECI_WEBHOOK_SECRET) })),
    ]
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401])
    expect(answers[0].json.error).toMatch(/X-Buildkite-Token.*BUILDKITE_WEBHOOK_TOKEN/)
    expect(answers[2].json.error).toMatch(/circleci-signature.*CIRCLECI_WEBHOOK_SECRET/)
    expect(await deps.store.listEvents(10)).toEqual([])
    expect(await metric('ci_notify_requests_rejected_total', { source: 'circleci', reason: 'auth' })).toBe(3)
    expectNoSecret(...answers.map((a) => JSON.stringify(a.json)))
  })

  it('an event not in accept: 200 {ignored}; a redelivery: 200 {duplicate: true}', async () => {
    await setup()
    expect(await send(buildkiteReq({ event: 'build.running' }))).toEqual({ status: 200, json: { ignored: 'buildkite event "build.running" is not in accept' } })
    const first = await send(buildkiteReq())
    const again = await send(buildkiteReq())
    expect(again).toEqual({ status: 200, json: { duplicate: true, event_id: first.json.event_id } })
    expect(await metric('ci_notify_duplicates_total', { source: 'buildkite' })).toBe(1)
  })

  it('400 naming the source, the field and its from path when a required field is missing', async () => {
    await setup()
    const body = JSON.parse(configuredFixture('buildkite-build-finished-failed.json'))
    delete body.build.commit
    const r = await send(buildkiteReq({ body: JSON.stringify(body) }))
    expect(r).toEqual({ status: 400, json: { error: 'buildkite payload: field sha (from build.commit): missing (required: set optional: true or a default)' } })
    const unmatched = JSON.parse(configuredFixture('buildkite-build-finished-failed.json'))
    unmatched.build.web_url = 'https://example.com/elsewhere'
    expect((await send(buildkiteReq({ body: JSON.stringify(unmatched) }))).json.error).toBe(
      'buildkite payload: field project.path (from build.web_url): missing, or extract did not match (required: set optional: true or a default)',
    )
  })

  it('an unknown source is a 404 that lists the configured ones too; GET is a 405', async () => {
    await setup()
    expect(await send({ path: '/webhooks/buildkit', init: { method: 'POST', headers: {} } })).toEqual({
      status: 404,
      json: { error: 'unknown source "buildkit"; use one of gitlab, jenkins, github, gitea, forgejo, buildkite, circleci' },
    })
    expect((await app.request('/webhooks/buildkite')).status).toBe(405)
  })

  it('/api/status shows how each configured source is authenticated', async () => {
    await setup()
    const res = await app.request('/api/status')
    const body = (await res.json()) as { inbound: Record<string, string> }
    expect(body.inbound).toMatchObject({ gitlab: 'open', buildkite: 'token', circleci: 'signature' })
    expectNoSecret(JSON.stringify(body))
  })
})
