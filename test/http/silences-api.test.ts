import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { RULES, T0 } from '../helpers/silence-rules.js'

const ADMIN = 'admin-token-silences-7c2d'

let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

async function setup() {
  let now = T0
  let changed = 0
  deps = await testDeps({ rulesYaml: RULES, settings: { adminToken: ADMIN } })
  const app = createApp({ ...deps, now: () => now, silencesChanged: () => void changed++ })
  const auth = { authorization: `Bearer ${ADMIN}` }
  const post = (body: unknown) =>
    app.request('/api/silences', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const get = (path = '') => app.request(`/api/silences${path}`, { headers: auth })
  const del = (id: string) => app.request(`/api/silences/${id}`, { method: 'DELETE', headers: auth })
  return { app, post, get, del, advance: (ms: number) => void (now += ms), changed: () => changed }
}

const good = { matchers: { project: 'group/**', branch: ['main', '!tmp/*'] }, targets: ['dev-group'], duration: '2h', comment: 'runner pool swap', created_by: 'ann' }

describe('POST /api/silences', () => {
  it('creates a silence from now for its duration, 201 with its id, and tells the worker', async () => {
    const s = await setup()
    const res = await s.post(good)
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toEqual({
      id: expect.stringMatching(/^sil_[0-9A-Z]{26}$/),
      state: 'active',
      matchers: good.matchers,
      targets: ['dev-group'],
      starts_at: '2026-12-04T10:00:00.000Z',
      ends_at: '2026-12-04T12:00:00.000Z',
      comment: 'runner pool swap',
      created_by: 'ann',
      catch_up: false,
      created_at: '2026-12-04T10:00:00.000Z',
      caught_up_at: null,
    })
    expect(s.changed()).toBe(1)
    expect(await (await s.get(`/${body.id}`)).json()).toEqual(body)
  })

  it('takes an ISO end, every target when none are named, and catch_up', async () => {
    const s = await setup()
    // 10:30+08:00 is 02:30Z: in the past, whatever the local reading suggests.
    const res = await s.post({ matchers: { status: 'failed' }, ends_at: '2026-12-04T10:30:00+08:00', comment: 'c', created_by: 'b', catch_up: true })
    expect(res.status).toBe(400)
    const body = await (await s.post({ matchers: { status: 'failed' }, ends_at: '2026-12-04T19:30:00+08:00', comment: 'c', created_by: 'b', catch_up: true })).json()
    expect(body).toMatchObject({ targets: null, ends_at: '2026-12-04T11:30:00.000Z', catch_up: true })
  })

  it.each([
    ['an unknown match key', { ...good, matchers: { projct: 'x' } }, /matchers\.projct: unknown match key, did you mean "project"\?/],
    ['a regex RE2 cannot run', { ...good, matchers: { branch: '/(?=x)/' } }, /matchers\.branch: "\/\(\?=x\)\/" is not a regular expression RE2 can run.*negated pattern/],
    ['a bad value for an enumerated key', { ...good, matchers: { status: 'broke' } }, /matchers\.status: "broke" is not one of/],
    ['no matcher at all', { ...good, matchers: {} }, /matchers must have at least one key/],
    ['matchers that are not an object', { ...good, matchers: 'project=x' }, /matchers must be an object/],
    ['an unknown target', { ...good, targets: ['dev-grop'] }, /targets\[0\]: no target "dev-grop" in the rules file, did you mean "dev-group"\?/],
    ['an empty target list', { ...good, targets: [] }, /targets must be a non-empty list/],
    ['an end in the past', { ...good, duration: undefined, ends_at: '2026-12-04T09:59:59Z' }, /ends_at 2026-12-04T09:59:59Z is not in the future/],
    ['an end that is now', { ...good, duration: undefined, ends_at: '2026-12-04T10:00:00Z' }, /ends_at .* is not in the future/],
    ['an end that is no time', { ...good, duration: undefined, ends_at: 'tomorrow' }, /ends_at must be an ISO time/],
    ['both ends_at and duration', { ...good, ends_at: '2026-12-05T00:00:00Z' }, /exactly one of ends_at .* or duration/],
    ['neither ends_at nor duration', { ...good, duration: undefined }, /exactly one of ends_at .* or duration/],
    ['a duration without unit', { ...good, duration: '120' }, /duration must be a positive duration with units/],
    ['a zero duration', { ...good, duration: '0m' }, /duration must be a positive duration/],
    ['a comment too long', { ...good, comment: 'x'.repeat(1001) }, /comment is too long \(1001 characters, at most 1000\)/],
    ['no comment', { ...good, comment: undefined }, /comment is required/],
    ['no author', { ...good, created_by: ' ' }, /created_by is required/],
    ['catch_up not a boolean', { ...good, catch_up: 'yes' }, /catch_up must be true .* or false/],
    ['an unknown field', { ...good, endsAt: 'x' }, /unknown field "endsAt", did you mean "ends_at"\?/],
    ['a body that is no object', [good], /the body must be a JSON object/],
    ['a body that is no JSON', '{"matchers":', /the body is not JSON/],
  ])('answers 400 naming the field for %s, and stores nothing', async (_, body, message) => {
    const s = await setup()
    const res = await s.post(body)
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(message)
    expect((await (await s.get()).json()).silences).toEqual([])
    expect(s.changed()).toBe(0)
  })

  it('needs the admin token', async () => {
    const s = await setup()
    const res = await s.app.request('/api/silences', { method: 'POST', body: JSON.stringify(good) })
    expect(res.status).toBe(401)
    expect((await s.app.request('/api/silences')).status).toBe(401)
    expect((await s.app.request('/api/silences/x', { method: 'DELETE' })).status).toBe(401)
  })
})

describe('GET and DELETE /api/silences', () => {
  it('lists active and recently expired silences, newest first; an expired one drops off after a day', async () => {
    const s = await setup()
    const a = await (await s.post({ ...good, duration: '1h' })).json()
    s.advance(1000)
    const b = await (await s.post({ ...good, duration: '3h' })).json()
    let list = (await (await s.get()).json()).silences
    expect(list.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([
      [b.id, 'active'],
      [a.id, 'active'],
    ])
    s.advance(2 * 3_600_000)
    list = (await (await s.get()).json()).silences
    expect(list.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([
      [b.id, 'active'],
      [a.id, 'expired'],
    ])
    s.advance(24 * 3_600_000)
    expect((await (await s.get()).json()).silences.map((x: { id: string }) => x.id)).toEqual([b.id])
  })

  it('DELETE expires a silence now, keeps it listed as expired, and answers 404 for an unknown id', async () => {
    const s = await setup()
    const a = await (await s.post(good)).json()
    s.advance(60_000)
    const res = await s.del(a.id)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: a.id, state: 'expired', ends_at: '2026-12-04T10:01:00.000Z' })
    expect(s.changed()).toBe(2)
    expect(await (await s.get(`/${a.id}`)).json()).toMatchObject({ state: 'expired', ends_at: '2026-12-04T10:01:00.000Z' })
    s.advance(60_000)
    // Again: its end stays where it was.
    expect(await (await s.del(a.id)).json()).toMatchObject({ ends_at: '2026-12-04T10:01:00.000Z' })
    const missing = await s.del('sil_nope')
    expect(missing.status).toBe(404)
    expect((await missing.json()).error).toBe('no silence with id "sil_nope"')
    expect((await s.get('/sil_nope')).status).toBe(404)
  })
})
