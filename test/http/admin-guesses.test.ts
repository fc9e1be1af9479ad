import { afterEach, describe, expect, it } from 'vitest'
import { GuessLimit } from '../../src/app/guess-limit.js'
import { guesser } from '../../src/app/admin-token.js'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

const ADMIN = 'admin-token-5b1e0c9d'
let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

/** The socket address a request comes from, as @hono/node-server hands it to the app. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } })

async function setup() {
  let now = Date.parse('2026-12-05T08:00:00Z')
  deps = await testDeps({ settings: { adminToken: ADMIN } })
  deps.now = () => now
  const app = createApp(deps)
  const api = (token: string, address = '10.0.0.1') => app.request('/api/events', { headers: { authorization: `Bearer ${token}` } }, from(address))
  const login = (token: string, address = '10.0.0.1') =>
    app.request('/console/login?lang=en', { method: 'POST', body: new URLSearchParams({ token }), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, from(address))
  return { api, login, advance: (ms: number) => (now += ms) }
}

describe('wrong admin tokens are limited per address (API and console login together)', () => {
  it('after 10 wrong tokens in a minute the address gets 429 with Retry-After, even with the right token, until the first is a minute old', async () => {
    const { api, advance } = await setup()
    for (let i = 0; i < 10; i++) {
      expect((await api(`guess-${i}`)).status).toBe(401)
      advance(1000)
    }
    const refused = await api(ADMIN)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('50')
    expect((await refused.json()).error).toBe('too many wrong admin tokens from this address; try again in 50 s')
    // Another address is not refused.
    expect((await api(ADMIN, '10.0.0.2')).status).toBe(200)
    advance(49_000)
    expect((await api(ADMIN)).headers.get('retry-after')).toBe('1')
    advance(1000) // the first wrong one is now a minute old: nine remain, one more try is allowed
    expect((await api(ADMIN)).status).toBe(200)
    // One refusal logged, naming the address and never a token.
    const warned = deps.logs.map((l) => JSON.parse(l)).filter((l) => /wrong admin tokens/.test(l.msg))
    expect(warned).toHaveLength(1)
    expect(warned[0].client).toBe('10.0.0.1')
    expect(deps.logs.join('\n')).not.toMatch(/guess-|admin-token-5b1e0c9d/)
  })

  it('counts wrong tokens at the console login with the API\'s: a refused address gets a 429 login page', async () => {
    const { api, login } = await setup()
    for (let i = 0; i < 5; i++) expect((await api(`guess-${i}`)).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await login(`guess-${i}`)).status).toBe(401)
    const page = await login(ADMIN)
    expect(page.status).toBe(429)
    expect(page.headers.get('retry-after')).toBe('60')
    expect(page.headers.get('set-cookie')).toBeNull()
    expect(await page.text()).toContain('Too many wrong tokens from this address. Try again in 60 s.')
    expect((await login(ADMIN, '10.0.0.9')).status).toBe(303)
  })
})

describe('what counts as a guess, and whose', () => {
  it('does not count a request without a token (no header, a preflight, an empty form): it guesses nothing', async () => {
    const { api, login } = await setup()
    const app = createApp(deps)
    for (let i = 0; i < 12; i++) {
      expect((await app.request('/api/events', {}, from('10.0.0.1'))).status).toBe(401)
      expect((await app.request('/api/events', { method: 'OPTIONS' }, from('10.0.0.1'))).status).toBe(401)
      expect((await login('')).status).toBe(401)
    }
    expect((await api(ADMIN)).status).toBe(200)
  })

  it('counts an IPv6 address by its /64', async () => {
    const { api } = await setup()
    for (let i = 0; i < 10; i++) expect((await api(`guess-${i}`, `2001:db8:1:2::${i + 1}`)).status).toBe(401)
    expect((await api(ADMIN, '2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).status).toBe(429)
    expect((await api(ADMIN, '2001:db8:1:3::1')).status).toBe(200)
  })
})

describe('guesser', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:0:0:1:2:3:4', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(guesser(address)).toBe(key)
  })
})

describe('GuessLimit', () => {
  it('remembers at most maxClients addresses, forgetting the one whose last wrong token is oldest', () => {
    let now = 0
    const g = new GuessLimit({ max: 2, windowMs: 1000, now: () => now, maxClients: 2 })
    g.failed('a')
    g.failed('a')
    now = 1
    g.failed('b')
    g.failed('b')
    expect(g.refusedFor('a')).toBe(999)
    expect(g.refusedFor('b')).toBe(1000)
    now = 2
    g.failed('c')
    expect(g.refusedFor('a')).toBe(0) // forgotten
    expect(g.refusedFor('b')).toBe(999)
  })
})
