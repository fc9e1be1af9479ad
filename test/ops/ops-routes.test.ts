import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

const fixture = (name: string) => readFileSync(join('test/fixtures/gitlab', name), 'utf8')
const open: TestDeps[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.close().catch(() => {})
})
async function deps(o: Parameters<typeof testDeps>[0] = {}): Promise<TestDeps> {
  const d = await testDeps(o)
  open.push(d)
  return d
}
const gitlab = (body: string, o: { event?: string; token?: string; key?: string } = {}) => ({
  method: 'POST',
  body,
  headers: {
    'content-type': 'application/json',
    'x-gitlab-event': o.event ?? 'Pipeline Hook',
    ...(o.token ? { 'x-gitlab-token': o.token } : {}),
    ...(o.key ? { 'idempotency-key': o.key } : {}),
  },
})

describe('/healthz and /readyz', () => {
  it('are 200 when the store, the rules and the worker are fine', async () => {
    const app = createApp(await deps())
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const r = await app.request('/readyz')
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({ status: 'ready' })
  })

  it('/readyz is 503 naming the store when it cannot be written, while /healthz stays 200', async () => {
    const d = await deps()
    const app = createApp(d)
    await d.store.close()
    const r = await app.request('/readyz')
    expect(r.status).toBe(503)
    const body = (await r.json()) as { status: string; reasons: string[] }
    expect(body.status).toBe('unavailable')
    expect(body.reasons).toHaveLength(1)
    expect(body.reasons[0]).toMatch(/^store not writable: /)
    expect((await app.request('/healthz')).status).toBe(200)
  })

  it('/readyz is 503 naming the worker when it is not running, and recovers with it', async () => {
    let alive = false
    const d = await deps()
    const app = createApp({ ...d, workerAlive: () => alive })
    const r = await app.request('/readyz')
    expect(r.status).toBe(503)
    expect(await r.json()).toEqual({ status: 'unavailable', reasons: ['delivery worker not running'] })
    alive = true
    expect((await app.request('/readyz')).status).toBe(200)
  })

  it('/readyz is 503 naming the rules when none are loaded', async () => {
    const d = await deps()
    const noRules = { get current(): never { throw new Error('rules file never loaded') } } as unknown as RulesRuntime
    const r = await createApp({ ...d, rules: noRules }).request('/readyz')
    expect(r.status).toBe(503)
    expect(await r.json()).toEqual({ status: 'unavailable', reasons: ['rules not loaded: rules file never loaded'] })
  })
})

describe('/metrics', () => {
  it('counts events, rejections and duplicates, and reports the queue, after a few webhooks', async () => {
    const d = await deps({ settings: { secrets: { gitlab: 'gitlab-secret-token' } } })
    const app = createApp(d)
    const failed = fixture('pipeline-failed-adapted.json')
    expect((await app.request('/webhooks/gitlab', gitlab(failed, { token: 'gitlab-secret-token', key: 'k1' }))).status).toBe(202)
    expect((await app.request('/webhooks/gitlab', gitlab(failed, { token: 'gitlab-secret-token', key: 'k1' }))).status).toBe(200)
    expect((await app.request('/webhooks/gitlab', gitlab(fixture('pipeline-success-docs.json'), { token: 'gitlab-secret-token' }))).status).toBe(202)
    expect((await app.request('/webhooks/gitlab', gitlab(failed, { token: 'wrong-token-value' }))).status).toBe(401)
    expect((await app.request('/webhooks/gitlab', gitlab('{"object_kind":', { token: 'gitlab-secret-token' }))).status).toBe(400)

    const r = await app.request('/metrics')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await r.text()
    expect(text).toContain('ci_notify_events_received_total{source="gitlab",kind="pipeline",status="failed"} 1')
    expect(text).toContain('ci_notify_events_received_total{source="gitlab",kind="pipeline",status="success"} 1')
    expect(text).toContain('ci_notify_duplicates_total{source="gitlab"} 1')
    expect(text).toMatch(/ci_notify_requests_rejected_total\{source="gitlab",reason="auth"\} 1/)
    expect(text).toMatch(/ci_notify_requests_rejected_total\{source="gitlab",reason="malformed"\} 1/)
    // the default rules send every event to one target: two accepted events, two waiting deliveries
    expect(text).toContain('ci_notify_queue_depth 2')
    expect(text).toContain('ci_notify_dead_letters 0')
    expect(text).toMatch(/ci_notify_oldest_pending_age_seconds \d/)
    // bounded labels: no project path or URL leaks into a label value
    expect(text).not.toContain('gitlab-org')
    expect(text).not.toContain('http://')
  })
})

describe('/api/status', () => {
  it('shows version, uptime, rules, queue, dead letters and per-target state', async () => {
    const d = await deps({
      rulesYaml: `
defaults: { timezone: Asia/Shanghai }
targets:
  dev: { type: dingtalk, webhook: "https://oapi.dingtalk.com/robot/send?access_token=tok-123456789" }
  ops: { type: wecom, webhook: "" }
rules:
  - name: all
    notify: [dev, ops]
  - name: never
    match: { status: failed }
    notify: [ops]
`,
    })
    // This replica's worker saw dev's block; another replica recorded ops' in the store.
    d.store.loadBucket = async (target) => (target === 'ops' ? { sends: [], blockedUntil: Date.parse('2099-01-01T07:10:00Z') } : undefined)
    const app = createApp({ ...d, startedAt: new Date(Date.now() - 65_000), targetStates: () => ({ dev: { rateLimitedUntil: '2099-01-01T06:05:00Z' }, ops: {} }) })
    await app.request('/webhooks/gitlab', gitlab(fixture('pipeline-failed-adapted.json')))
    const r = await app.request('/api/status')
    expect(r.status).toBe(200)
    const body = (await r.json()) as Record<string, any>
    expect(body).toMatchObject({
      version: 'test',
      dry_run: false,
      rules: { file: '<inline>', last_reload: { ok: true }, warnings: [expect.stringMatching(/^<inline>:\d+:\d+: rules\[1\]: "never" is never reached/)] },
      queue: { depth: 2, pending: 2, retrying: 0 },
      dead_letters: 0,
      inbound: { gitlab: 'open', github: 'open', jenkins: 'open' },
      targets: {
        // Waiting counts come from the store (every replica's view), not from this worker.
        dev: { type: 'dingtalk', dry_run: false, waiting: 1, rate_limited_until: '2099-01-01T06:05:00.000Z', state: 'rate-limited until 14:05 GMT+8, 1 waiting' },
        ops: { type: 'wecom', dry_run: true, waiting: 1, rate_limited_until: '2099-01-01T07:10:00.000Z', state: 'rate-limited until 15:10 GMT+8, 1 waiting, dry run' },
      },
    })
    expect(body.uptime_s).toBeGreaterThanOrEqual(65)
    expect(JSON.stringify(body)).not.toContain('tok-123456789')
  })

  it('is 503 naming the store when it cannot be read', async () => {
    const d = await deps()
    const app = createApp(d)
    await d.store.close()
    const r = await app.request('/api/status')
    expect(r.status).toBe(503)
    expect(((await r.json()) as { error: string }).error).toMatch(/^store unavailable: /)
  })

  it('needs the admin token when one is set, like /-/reload', async () => {
    const app = createApp(await deps({ settings: { adminToken: 'admin-secret-1' } }))
    expect((await app.request('/api/status')).status).toBe(401)
    expect((await app.request('/-/reload', { method: 'POST' })).status).toBe(401)
    expect((await app.request('/api/status', { headers: { authorization: 'Bearer admin-secret-1' } })).status).toBe(200)
    // health and metrics stay open for probes and scrapers
    expect((await app.request('/healthz')).status).toBe(200)
    expect((await app.request('/metrics')).status).toBe(200)
  })
})

describe('POST /-/reload', () => {
  it('reloads a good file, keeps the old rules on a bad one (422, shown in /api/status), then recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-reload-'))
    const file = join(dir, 'rules.yaml')
    const good = (target: string) => `targets:\n  ${target}: { type: wecom, webhook: "" }\nrules:\n  - name: all\n    notify: [${target}]\n`
    writeFileSync(file, good('first'))
    const d = await deps()
    const rules = RulesRuntime.load(file, { env: {}, log: d.log, metrics: d.metrics })
    const app = createApp({ ...d, rules })

    writeFileSync(file, good('second'))
    const ok = await app.request('/-/reload', { method: 'POST' })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ reloaded: true, file, lastReload: { ok: true } })
    expect(Object.keys(rules.current.targets)).toEqual(['second'])

    writeFileSync(file, 'targets:\n  x: { type: telegram }\n')
    const bad = await app.request('/-/reload', { method: 'POST' })
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as { error: string }).error).toMatch(/^rules reload failed, the previous rules are still running: /)
    expect(Object.keys(rules.current.targets)).toEqual(['second'])
    const status = (await (await app.request('/api/status')).json()) as { rules: { last_reload: { ok: boolean; error?: string } } }
    expect(status.rules.last_reload.ok).toBe(false)
    expect(status.rules.last_reload.error).toContain('rules.yaml')
    expect(await (await app.request('/metrics')).text()).toContain('ci_notify_rules_last_reload_failed 1')

    writeFileSync(file, good('third'))
    expect((await app.request('/-/reload', { method: 'POST' })).status).toBe(200)
    expect(Object.keys(rules.current.targets)).toEqual(['third'])
    expect(await (await app.request('/metrics')).text()).toContain('ci_notify_rules_last_reload_failed 0')
    rules.close()
  })
})
