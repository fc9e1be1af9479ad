import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Agent, request } from 'undici'
import { createApp } from '../../src/http/server.js'
import type { TestDeps } from '../helpers/deps.js'
import { counting, fileDeps, listen } from './app.js'
import { badRequests, SECRETS, webhook } from './bad-requests.js'

/**
 * An unauthenticated flood costs us the secret check and nothing else: not one store call (no dedupe lookup, no
 * insert, no read), so it can neither fill the disk nor take the write lock from real webhooks.
 */
let deps: TestDeps
let srv: Awaited<ReturnType<typeof listen>>
const agent = new Agent({ connections: 16 })
afterEach(async () => {
  await srv?.close()
  await deps?.close()
})
afterAll(() => agent.close())

describe('unauthenticated floods never touch the store', () => {
  it('1 000 requests with missing or wrong secrets over HTTP: all 401, zero store calls, zero rows; a real webhook still gets in', { timeout: 120_000 }, async () => {
    const counted = { calls: new Map<string, number>() }
    ;({ deps } = await fileDeps({
      settings: { secrets: { ...SECRETS } },
      wrap: (s) => {
        const c = counting(s)
        counted.calls = c.calls
        return c.store
      },
    }))
    srv = await listen(createApp(deps).fetch)
    const base = `http://127.0.0.1:${srv.port}`

    const flood = [...badRequests(7, 0.4, 'wrong_auth')]
    expect(flood.length).toBe(1000)
    const statuses = new Map<number, number>()
    for (let i = 0; i < flood.length; i += 50) {
      const answers = await Promise.all(
        flood.slice(i, i + 50).map(async (r) => {
          const res = await request(base + r.path, { method: 'POST', headers: r.headers, body: r.body, dispatcher: agent })
          await res.body.arrayBuffer()
          return res.statusCode
        }),
      )
      for (const s of answers) statuses.set(s, (statuses.get(s) ?? 0) + 1)
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1000 })
    expect(Object.fromEntries(counted.calls)).toEqual({})
    expect(await deps.store.listEvents(10)).toEqual([])
    expect(await deps.store.queueStats()).toMatchObject({ pending: 0 })
    counted.calls.clear()

    // The same server takes a real webhook right after: the flood cost it nothing lasting.
    const ok = webhook('github', 1)
    const res = await request(base + ok.path, { method: 'POST', headers: ok.headers, body: ok.body, dispatcher: agent })
    await res.body.arrayBuffer()
    expect(res.statusCode).toBe(202)
    expect(counted.calls.get('accept')).toBe(1)
    // Secrets never echo back, however they were mangled.
    for (const secret of Object.values(SECRETS)) expect(deps.logs.join('\n')).not.toContain(secret)
  })
})
