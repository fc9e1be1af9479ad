import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { matchersOf, run } from '../../src/commands/silences.js'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { RULES, T0 } from '../helpers/silence-rules.js'
import { capture } from '../rules/capture.js'

const ADMIN = 'adm-silences-cli-9f1e'

let deps: TestDeps | undefined
let close: (() => Promise<void>) | undefined
afterEach(async () => {
  vi.unstubAllEnvs()
  await close?.()
  await deps?.close()
  deps = undefined
  close = undefined
})

async function server() {
  let now = T0
  deps = await testDeps({ rulesYaml: RULES, settings: { adminToken: ADMIN } })
  const app = createApp({ ...deps, now: () => now })
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => s.once('listening', r))
  close = () => new Promise((r) => s.close(() => r()))
  vi.stubEnv('ADMIN_TOKEN', ADMIN)
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, advance: (ms: number) => void (now += ms), store: deps.store }
}

describe('ci-notify silences', () => {
  it('--match flags become a rule match block: a repeated key is "any of", finished a boolean', () => {
    expect(matchersOf(['project=group/**', 'branch=main', 'branch=release/*', 'finished=true'])).toEqual({ project: 'group/**', branch: ['main', 'release/*'], finished: true })
    expect(matchersOf(['project'])).toMatch(/--match takes KEY=PATTERN/)
  })

  it('add, list and expire through the running server; the silence is in the store with what the flags said', async () => {
    const s = await server()
    const add = await capture(run, ['add', '--match', 'project=group/app', '--match', 'branch=main', '--target', 'dev-group', '--duration', '2h', '--comment', 'runner swap', '--created-by', 'ann', '--catch-up', '--url', s.url])
    expect(add.err).toBe('')
    expect(add.code).toBe(0)
    const id = /silence (sil_\w+) added: project=group\/app branch=main, targets dev-group, until 2026-12-04T12:00:00.000Z, catch-up, by ann: runner swap/.exec(add.out)?.[1]
    expect(id).toBeDefined()
    const stored = await s.store.getSilence(id!)
    expect(stored).toMatchObject({ matchers: { project: 'group/app', branch: 'main' }, targets: ['dev-group'], ends_at: T0 + 2 * 3_600_000, catch_up: true, created_by: 'ann' })

    const list = await capture(run, ['list', '--url', s.url])
    expect(list.out).toBe(`${id}  active   project=group/app branch=main, targets dev-group, until 2026-12-04T12:00:00.000Z, catch-up, by ann: runner swap\n`)
    const json = await capture(run, ['list', '--json', '--url', s.url])
    expect(JSON.parse(json.out).silences[0]).toMatchObject({ id, state: 'active' })

    s.advance(60_000)
    const expire = await capture(run, ['expire', id!, '--url', s.url])
    expect(expire.code).toBe(0)
    expect(expire.out).toBe(`silence ${id} expired: its catch-up digests go out now\n`)
    expect((await s.store.getSilence(id!))?.ends_at).toBe(T0 + 60_000)
    expect((await capture(run, ['list', '--url', s.url])).out).toContain(`${id}  expired`)
  })

  it('the server names what is wrong (exit 1); bad flags are a usage error (exit 2); the token is never printed', async () => {
    const s = await server()
    vi.stubEnv('USER', 'bob')
    const bad = await capture(run, ['add', '--match', 'projekt=x', '--duration', '1h', '--comment', 'c', '--url', s.url])
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('400: matchers.projekt: unknown match key, did you mean "project"?')
    const past = await capture(run, ['add', '--match', 'project=x', '--ends-at', '2020-01-01T00:00:00Z', '--comment', 'c', '--url', s.url])
    expect(past.err).toContain('400: ends_at 2020-01-01T00:00:00Z is not in the future')
    const ok = await capture(run, ['add', '--match', 'project=x', '--duration', '30m', '--comment', 'c', '--url', s.url])
    expect(ok.out).toContain('targets all, until 2026-12-04T10:30:00.000Z, no catch-up, by bob: c')
    expect((await capture(run, ['expire', 'sil_nope', '--url', s.url])).err).toContain('404: no silence with id "sil_nope"')
    expect((await capture(run, ['add', '--match', 'x', '--url', s.url])).code).toBe(2)
    expect((await capture(run, ['mute'])).code).toBe(2)
    vi.stubEnv('ADMIN_TOKEN', 'wrong')
    const denied = await capture(run, ['list', '--url', s.url])
    expect(denied.code).toBe(1)
    expect(denied.err).toContain('401')
    expect(denied.err + bad.err + ok.out).not.toContain(ADMIN)
  })
})
