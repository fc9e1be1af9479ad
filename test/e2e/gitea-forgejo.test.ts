import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import type { AppDeps } from '../../src/app/deps.js'
import { createApp } from '../../src/http/server.js'
import { harness, type Harness } from '../delivery/harness.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { fixture, forgejoReq, giteaReq, giteaSignature, SECRETS } from '../http/requests.js'

/**
 * Gitea and Forgejo end to end, in one process: the real HTTP app takes the signed webhook (202), the rules route it,
 * the worker renders with the real renderer and the fake DingTalk robot (signed, keyword) shows it with the actor
 * @-mentioned through the person's `gitea:` / `forgejo:` user name. Then broken → fixed across two Forgejo runs.
 */
const ROBOT_SECRET = 'SECgiteaforgejo000000000000'
const clock = manualClock()
let ding: FakeDingTalk
let h: Harness
let app: Hono

beforeAll(async () => {
  ding = await startFakeDingTalk([{ token: 'tok-ci', security: { keywords: ['CI'], secret: ROBOT_SECRET }, members: [{ mobile: '13800000000', userId: 'zhangsan_ding' }] }], { clock })
  h = await harness({
    clock,
    renderers: 'real',
    settings: { secrets: { gitea: SECRETS.gitea, forgejo: SECRETS.forgejo } },
    yaml: `
targets:
  ci: { type: dingtalk, webhook: "${ding.webhook('tok-ci')}", secret: "${ROBOT_SECRET}", keyword: CI }
people:
  - { name: 张三, gitea: zhangsan, forgejo: zhangsan, dingtalk: zhangsan_ding }
rules:
  - name: fixed
    match: { source: forgejo, transition: fixed }
    notify: [ci]
  - name: failures
    match: { source: [gitea, forgejo], status: failed }
    notify: [ci]
    mention: [actor]
`,
  })
  const deps: AppDeps = { ...h.base, wake: () => h.worker.wake(), workerAlive: () => true }
  app = createApp(deps)
}, 60_000)
afterAll(async () => {
  await h.close()
  await ding.close()
})

/**
 * Posts through the HTTP app, which stamps events with the wall clock; the worker's clock is then brought up to it
 * (by causality the event is not in its future), so the delivery is due.
 */
async function post(r: ReturnType<typeof giteaReq>) {
  const res = await app.request(r.path, r.init)
  clock.set(Math.max(clock.now(), Date.now()))
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

describe('Gitea: a signed workflow_run webhook → 202 → routed → delivered', () => {
  it('shows the failed run at the robot with the actor @-mentioned by their gitea user name', async () => {
    const before = ding.shown('tok-ci').length
    const r = await post(giteaReq({ delivery: 'e2e-gitea-1' }))
    expect(r.status).toBe(202)
    const stored = await h.store.getEvent(String(r.json.event_id))
    expect(stored?.event).toMatchObject({ source: 'gitea', kind: 'pipeline', status: 'failed', number: 87, project: { path: 'ops/api' } })
    expect(stored?.routing.matched).toEqual(['failures'])
    await h.settle(1000)
    const shown = ding.shown('tok-ci').slice(before)
    expect(shown).toHaveLength(1)
    const text = JSON.stringify(shown[0].message)
    expect(text).toContain('ops/api')
    expect(text).toContain('https://gitea.example.com/ops/api/actions/runs/87')
    expect(shown[0].mentions?.resolved).toEqual(['userId:zhangsan_ding'])
    expect(ding.records.filter((x) => x.errcode !== 0)).toEqual([])
    // the same delivery again is a duplicate, not a second message
    expect((await post(giteaReq({ delivery: 'e2e-gitea-1' }))).json.duplicate).toBe(true)
  })

  it('turns away a wrong signature with 401 and stores nothing', async () => {
    const body = fixture('gitea', 'workflow_run-completed-success.json')
    const r = await post(giteaReq({ body, signature: giteaSignature(body, 'not-the-secret') }))
    expect(r.status).toBe(401)
    expect(JSON.stringify(r.json)).not.toContain(SECRETS.gitea)
  })
})

describe('Forgejo: action_run_failure then action_run_recover', () => {
  it('delivers the failure, then the recovery as a fixed transition', async () => {
    const before = ding.shown('tok-ci').length
    const failure = await post(forgejoReq({ delivery: 'e2e-fj-1' }))
    expect(failure.status).toBe(202)
    const recover = await post(forgejoReq({ delivery: 'e2e-fj-2', event: 'action_run_recover', body: fixture('forgejo', 'action_run_recover.json') }))
    expect(recover.status).toBe(202)
    const [a, b] = await Promise.all([h.store.getEvent(String(failure.json.event_id)), h.store.getEvent(String(recover.json.event_id))])
    expect([a?.routing.transition, a?.routing.matched]).toEqual(['first', ['failures']])
    expect([b?.routing.transition, b?.routing.matched]).toEqual(['fixed', ['fixed']])
    await h.settle(5 * 60_000, 5_000)
    const shown = ding.shown('tok-ci').slice(before).map((x) => JSON.stringify(x.message))
    expect(shown.join('\n')).toContain('forgejo.example.org/ops/api/actions/runs/41')
    expect(shown.join('\n')).toContain('forgejo.example.org/ops/api/actions/runs/42')
    expect(ding.records.filter((x) => x.errcode !== 0)).toEqual([])
  })
})
