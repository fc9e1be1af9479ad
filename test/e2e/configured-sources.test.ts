import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import type { AppDeps } from '../../src/app/deps.js'
import { createApp } from '../../src/http/server.js'
import { harness, type Harness } from '../delivery/harness.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { buildkiteReq, circleciReq, CONFIGURED_ENV, configuredFixture, configuredRulesYaml, type Req } from '../helpers/configured-sources.js'

/**
 * Buildkite and CircleCI end to end, defined only in a rules file (test/fixtures/configured/rules.yaml), in one
 * process: the real HTTP app authenticates the webhook (Buildkite's X-Buildkite-Token, CircleCI's
 * `circleci-signature: v1=<hex HMAC-SHA256>`), the source's definition normalizes it, the rules route it, the
 * worker renders it and the fake DingTalk robot (signed) shows it. Transitions run across payloads of one source as
 * for a built-in one: failed → passed is fixed, and a failure after that is broken.
 */
const ROBOT_SECRET = 'SECconfiguredsources000000'
const clock = manualClock()
let ding: FakeDingTalk
let h: Harness
let app: Hono

beforeAll(async () => {
  ding = await startFakeDingTalk([{ token: 'tok-ci', security: { secret: ROBOT_SECRET } }], { clock })
  h = await harness({
    clock,
    renderers: 'real',
    yaml: configuredRulesYaml(),
    env: { ...CONFIGURED_ENV, CI_GROUP_WEBHOOK: ding.webhook('tok-ci'), CI_GROUP_SECRET: ROBOT_SECRET },
  })
  const deps: AppDeps = { ...h.base, wake: () => h.worker.wake(), workerAlive: () => true }
  app = createApp(deps)
}, 60_000)
afterAll(async () => {
  await h.close()
  await ding.close()
})

/** Posts through the HTTP app (wall-clock stamps); the worker's clock is brought up to it, so the delivery is due. */
async function post(r: Req) {
  const res = await app.request(r.path, r.init)
  clock.set(Math.max(clock.now(), Date.now()))
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function deliveredSince(before: number, n: number): Promise<string[]> {
  await h.settle(5 * 60_000, 5_000)
  const shown = ding.shown('tok-ci').slice(before).map((x) => JSON.stringify(x.message))
  expect(shown).toHaveLength(n)
  expect(ding.records.filter((x) => x.errcode !== 0)).toEqual([])
  return shown
}

describe('Buildkite build.finished, defined in the rules file', () => {
  it('failed then passed: both delivered, the second as fixed', async () => {
    const before = ding.shown('tok-ci').length
    const failed = await post(buildkiteReq())
    const passed = await post(buildkiteReq({ body: configuredFixture('buildkite-build-finished-passed.json') }))
    expect([failed.status, passed.status]).toEqual([202, 202])
    const [a, b] = await Promise.all([h.store.getEvent(String(failed.json.event_id)), h.store.getEvent(String(passed.json.event_id))])
    expect(a?.event).toMatchObject({ source: 'buildkite', status: 'failed', project: { path: 'acme/web-app' }, number: 142 })
    expect([a?.routing.transition, a?.routing.matched]).toEqual(['first', ['ci failures']])
    expect([b?.routing.transition, b?.routing.matched]).toEqual(['fixed', ['ci broken or fixed']])
    const shown = await deliveredSince(before, 2)
    expect(shown[0]).toContain('https://buildkite.com/acme/web-app/builds/142')
    expect(shown[1]).toContain('https://buildkite.com/acme/web-app/builds/143')
    expect(shown[1]).toContain('已修复')
  })
})

describe('CircleCI workflow-completed, defined in the rules file', () => {
  it('failed, success (fixed), failed again (broken): each delivered; a wrong signature stores nothing', async () => {
    const before = ding.shown('tok-ci').length
    const denied = await post(circleciReq({ secret: 'not-the-secret' }))
    expect(denied.status).toBe(401)
    expect(JSON.stringify(denied.json)).not.toContain(CONFIGURED_ENV.CIRCLECI_WEBHOOK_SECRET)

    const failed = await post(circleciReq())
    const fixed = await post(circleciReq({ body: configuredFixture('circleci-workflow-completed-success.json') }))
    // A later failure of the same workflow: its own event id (the dedupe key) and pipeline number.
    const again = configuredFixture('circleci-workflow-completed-failed.json').replace('3888f21b-eaa7-38e3-8f3d-75a63bba8895', '5a1c9e0b-7d3f-3c2a-8b4e-6f0a1d2c3b4e').replace('"number": 130', '"number": 132')
    const broken = await post(circleciReq({ body: again }))
    expect([failed.status, fixed.status, broken.status]).toEqual([202, 202, 202])
    const events = await Promise.all([failed, fixed, broken].map((r) => h.store.getEvent(String(r.json.event_id))))
    expect(events.map((e) => e?.routing.transition)).toEqual(['first', 'fixed', 'broken'])
    expect(events.map((e) => e?.event.project.path)).toEqual(['acme/api-server', 'acme/api-server', 'acme/api-server'])
    const shown = await deliveredSince(before, 3)
    expect(shown[1]).toContain('已修复')
    expect(shown[2]).toContain('构建被破坏')
    expect(shown[2]).toContain('#132')
    // CircleCI retries with the same id: a duplicate, not a fourth message
    expect((await post(circleciReq({ body: again }))).json.duplicate).toBe(true)
  })
})
