import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/commands/deliveries.js'
import type { CommonEvent } from '../../src/event.js'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

let deps: TestDeps | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await deps?.close()
  deps = undefined
})

const event = (n: number): CommonEvent => ({
  id: `ev-${n}`,
  source: 'gitlab',
  kind: 'pipeline',
  status: 'failed',
  source_status: 'failed',
  finished: true,
  project: { name: 'app', path: 'g/app' },
  delivery_id: `d-${n}`,
  received_at: new Date(Date.UTC(2026, 10, 29, 1, n)).toISOString(),
})

/** Three deliveries to "ops": 1 dead (keyword rejected), 2 sent, 3 pending. */
async function seeded(settings = {}) {
  const d = (deps = await testDeps({ settings }))
  let woke = 0
  d.wake = () => void woke++
  for (const n of [1, 2, 3]) {
    await d.store.accept({
      event: event(n),
      dedupeKey: `d-${n}`,
      decide: () => ({ routing: { transition: null, matched: ['all'], targets: [{ target: 'ops', rules: ['all'], mentions: [], all: false }], unresolved: [] } }),
    })
  }
  await d.store.markDead(1, { errcode: 310000, errmsg: 'keywords not in content' })
  await d.store.markSent([2], new Date())
  return { d, app: createApp(d), woke: () => woke }
}

describe('GET /api/deliveries', () => {
  it('lists by status with attempts, last errcode/errmsg and timestamps', async () => {
    const { app } = await seeded()
    const res = await app.request('/api/deliveries?status=dead')
    expect(res.status).toBe(200)
    const { deliveries } = (await res.json()) as { deliveries: Record<string, unknown>[] }
    expect(deliveries).toEqual([
      expect.objectContaining({ id: 1, status: 'dead', target: 'ops', attempts: 1, last_errcode: 310000, last_errmsg: 'keywords not in content', created_at: '2026-11-29T01:01:00.000Z', next_attempt_at: null }),
    ])
    const all = (await (await app.request('/api/deliveries?limit=2')).json()) as { deliveries: { id: number }[] }
    expect(all.deliveries.map((x) => x.id)).toEqual([3, 2])
  })

  it('answers 400 naming a bad status or limit', async () => {
    const { app } = await seeded()
    const bad = await app.request('/api/deliveries?status=lost')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'status must be one of pending, retrying, sent, dead, dry_run, silenced, held, dropped, grouped; got "lost"' })
    expect((await app.request('/api/deliveries?limit=0')).status).toBe(400)
  })

  it('needs the admin token when one is set', async () => {
    const { app } = await seeded({ adminToken: 'adm-secret-token' })
    expect((await app.request('/api/deliveries')).status).toBe(401)
    expect((await app.request('/api/deliveries', { headers: { authorization: 'Bearer adm-secret-token' } })).status).toBe(200)
  })
})

describe('POST /api/deliveries/:id/retry', () => {
  it('re-queues a dead letter and wakes the worker; 409 for one not dead, 404 for none, 400 for a bad id', async () => {
    const { d, app, woke } = await seeded()
    const ok = await app.request('/api/deliveries/1/retry', { method: 'POST' })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ id: 1, status: 'pending' })
    expect(woke()).toBe(1)
    expect((await d.store.listDeliveries({ status: 'pending', limit: 5 })).map((x) => x.id)).toEqual([3, 1])
    const again = await app.request('/api/deliveries/1/retry', { method: 'POST' })
    expect(again.status).toBe(409)
    expect(await again.json()).toEqual({ error: 'delivery 1 is pending, not dead: only dead letters can be retried' })
    expect((await app.request('/api/deliveries/99/retry', { method: 'POST' })).status).toBe(404)
    expect((await app.request('/api/deliveries/abc/retry', { method: 'POST' })).status).toBe(400)
  })
})

describe('ci-notify deliveries (against a running server)', () => {
  it('lists dead letters and retries one; reports a server error and an unreachable server', async () => {
    const { app } = await seeded({ adminToken: 'adm-secret-token' })
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => server.once('listening', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const out: string[] = []
    const err: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true))
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true))
    vi.stubEnv('ADMIN_TOKEN', 'adm-secret-token')
    try {
      expect(await run(['list', '--status', 'dead', '--url', url])).toBe(0)
      expect(out.join('')).toMatch(/^ID\s+STATUS\s+TARGET.*\n1\s+dead\s+ops\s+1\s+310000\s+.*keywords not in content\n$/)
      expect(await run(['retry', '1', '--url', url])).toBe(0)
      expect(out.join('')).toContain('delivery 1 re-queued')
      // Retried and sent: two attempts, and the error of the first is no longer shown as its state.
      await deps!.store.markSent([1], new Date())
      out.length = 0
      expect(await run(['list', '--url', url])).toBe(0)
      expect(out.join('')).toMatch(/\n1\s+sent\s+ops\s+2\s+2026-11-29T01:01:00\.000Z\s+ev-1\n$/)
      expect(out.join('')).not.toContain('keywords not in content')
      expect(await run(['retry', '1', '--url', url])).toBe(1)
      expect(err.join('')).toContain('409: delivery 1 is sent, not dead')
      expect(await run(['list', '--status', 'nope', '--url', url])).toBe(1)
      expect(err.join('')).toContain('400: status must be one of')
      vi.stubEnv('ADMIN_TOKEN', 'wrong')
      expect(await run(['list', '--url', url])).toBe(1)
      expect(err.join('')).toContain('401')
      expect(await run(['list', '--url', 'http://127.0.0.1:1'])).toBe(1)
      expect(err.join('')).toContain('cannot reach the server at http://127.0.0.1:1')
      expect(await run(['frobnicate'])).toBe(2)
      expect(err.join('') + out.join('')).not.toContain('adm-secret-token')
    } finally {
      vi.unstubAllEnvs()
      await new Promise((r) => server.close(r))
    }
  })
})
