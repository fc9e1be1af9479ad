import { createHmac } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readPayload } from '../../adapters/from-file.js'
import { toEvent } from '../../adapters/index.js'
import type { RawRequest } from '../../adapters/common/types.js'
import { parseRules } from '../../rules/load.js'
import { runCases } from '../../src/commands/test/cases.js'
import { createApp } from '../../src/http/server.js'
import { testDeps } from '../helpers/deps.js'

/**
 * The ready definitions in examples/sources/: each file checks clean, authenticates a request signed the way its CI
 * signs one (and refuses a tampered or wrongly keyed one), turns its fixture into the event recorded beside it
 * (`<id>.event.json`; `npx vitest run test/examples -u` rewrites those after a deliberate change), is served by the
 * app, and replays its golden cases (examples/sources/cases/<id>/).
 */

const DIR = 'examples/sources'
const NOW = Date.parse('2026-01-01T00:00:00.000Z')
const hex = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex')
const SECRET = 'example-secret-0123456789'
/** Buildkite: `X-Buildkite-Signature: timestamp=T,signature=hex(HMAC-SHA256(token, "T.<body>"))`. */
const buildkiteHeader = (body: string, ts: number, secret = SECRET) => ({ 'X-Buildkite-Signature': `timestamp=${ts},signature=${hex(secret, `${ts}.${body}`)}` })

/** What the CI adds to a request to prove it is the CI, given the raw body, the shared secret and its clock (Unix s). */
type Sign = (body: string, secret: string, nowS?: number) => { headers?: Record<string, string>; query?: Record<string, string> }
const inQuery: Sign = (_b, secret) => ({ query: { token: secret } })

const EXAMPLES: Array<{ id: string; secretEnv: string; sign: Sign; bodySigned: boolean }> = [
  {
    id: 'buildkite',
    secretEnv: 'BUILDKITE_WEBHOOK_TOKEN',
    sign: (body, secret, nowS = NOW / 1000) => ({ headers: buildkiteHeader(body, nowS, secret) }),
    bodySigned: true,
  },
  {
    id: 'circleci',
    secretEnv: 'CIRCLECI_WEBHOOK_SECRET',
    sign: (body, secret) => ({ headers: { 'circleci-signature': `v1=${hex(secret, body)}` } }),
    bodySigned: true,
  },
  { id: 'drone', secretEnv: 'DRONE_NOTIFY_TOKEN', sign: inQuery, bodySigned: false },
  { id: 'teamcity', secretEnv: 'TEAMCITY_NOTIFY_TOKEN', sign: inQuery, bodySigned: false },
  { id: 'tekton', secretEnv: 'TEKTON_NOTIFY_TOKEN', sign: inQuery, bodySigned: false },
  {
    id: 'azure-devops',
    secretEnv: 'AZURE_DEVOPS_WEBHOOK_PASSWORD',
    sign: (_b, secret) => ({ headers: { authorization: `Basic ${Buffer.from(`ci-notify:${secret}`).toString('base64')}` } }),
    bodySigned: false,
  },
  { id: 'yunxiao', secretEnv: 'YUNXIAO_NOTIFY_TOKEN', sign: inQuery, bodySigned: false },
]

const env = Object.fromEntries(EXAMPLES.map((e) => [e.secretEnv, SECRET]))
const load = (id: string) => parseRules(readFileSync(join(DIR, `${id}.yaml`), 'utf8'), { file: `${DIR}/${id}.yaml`, env, now: () => NOW })

function signed(req: RawRequest, s: ReturnType<Sign>): RawRequest {
  const headers = new Headers(req.headers)
  for (const [k, v] of Object.entries(s.headers ?? {})) headers.set(k, v)
  return { ...req, headers, query: new URLSearchParams(s.query) }
}

/** The headers the CI sends with the fixture: those of its golden case, so both replay the same request. */
function caseHeaders(id: string): string[] {
  const dir = join(DIR, 'cases', id)
  const first = readdirSync(dir).find((f) => f.endsWith('.expected.yaml'))
  if (!first) throw new Error(`no golden case in ${dir}`)
  return (parse(readFileSync(join(dir, first), 'utf8')) as { headers?: string[] }).headers ?? []
}

describe.each(EXAMPLES)('examples/sources/$id.yaml', ({ id, sign, bodySigned }) => {
  const rules = load(id)
  const source = rules.sources[id]
  const request = () => readPayload(source.adapter, join(DIR, `${id}.json`), caseHeaders(id))

  it('checks clean and defines exactly this source', () => {
    expect(rules.warnings).toEqual([])
    expect(Object.keys(rules.sources)).toEqual([id])
    expect(source.secret).toBe(SECRET)
  })

  it('accepts a request authenticated as the CI does it, refuses a wrong secret', () => {
    const req = request()
    expect(source.adapter.verify(signed(req, sign(req.body, SECRET)), SECRET)).toBe(true)
    expect(source.adapter.verify(signed(req, sign(req.body, 'another-secret')), SECRET)).toBe(false)
    expect(source.adapter.verify(req, SECRET)).toBe(false)
    // A body changed on the way fails only where the CI signs the body; a token or a password cannot see it.
    expect(source.adapter.verify({ ...signed(req, sign(req.body, SECRET)), body: req.body.replace('"', ' "') }, SECRET)).toBe(!bodySigned)
  })

  it('turns its fixture into the recorded event', async () => {
    const event = toEvent(source.adapter, request(), { id: `example-${id}`, now: new Date(NOW) })
    await expect(JSON.stringify(event, null, 2) + '\n').toMatchFileSnapshot(`../../${DIR}/${id}.event.json`)
  })

  it('over HTTP: 202, the same delivery again 200 {duplicate}, without the credential 401', async () => {
    const deps = await testDeps({ rulesYaml: readFileSync(join(DIR, `${id}.yaml`), 'utf8'), env })
    try {
      const app = createApp(deps)
      const req = request()
      // Signed at the server's own clock, as the CI would: Buildkite's max_skew is measured against it.
      const at = sign(req.body, SECRET, Math.floor(Date.now() / 1000))
      const post = (s: ReturnType<Sign>) => {
        const r = signed(req, s)
        return app.request(`/webhooks/${id}${r.query.size ? `?${r.query}` : ''}`, { method: 'POST', headers: r.headers, body: r.body })
      }
      const first = await post(at)
      expect(first.status, await first.clone().text()).toBe(202)
      const again = await post(at)
      expect([again.status, await again.json()]).toMatchObject([200, { duplicate: true }])
      expect((await post({})).status).toBe(401)
    } finally {
      await deps.close()
    }
  })

  it('routes and renders its golden cases as recorded', () => {
    expect(runCases(join(DIR, 'cases', id), rules).filter((r) => !r.ok)).toEqual([])
  })
})

it('Buildkite: a signature older than max_skew is refused, even with the right secret', () => {
  const { adapter } = load('buildkite').sources.buildkite
  const req = readPayload(adapter, join(DIR, 'buildkite.json'), [])
  const old = signed(req, { headers: buildkiteHeader(req.body, NOW / 1000 - 6 * 60) })
  expect(adapter.verify(old, SECRET)).toBe(false)
})

it('every definition in examples/sources is tested here, has its fixture and is in the README', () => {
  const defined = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length))
  expect(defined.sort()).toEqual(EXAMPLES.map((e) => e.id).sort())
  const readme = readFileSync(join(DIR, 'README.md'), 'utf8')
  for (const id of defined) {
    expect(existsSync(join(DIR, `${id}.json`)), `${id}.json`).toBe(true)
    expect(readme, `README.md links ${id}.yaml`).toContain(`(${id}.yaml)`)
  }
})
