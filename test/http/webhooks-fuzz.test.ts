import { type Source } from '../../adapters/index.js'
import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'

import { testDeps, type TestDeps } from '../helpers/deps.js'
import { SECRETS, fixture, githubSignature } from './requests.js'

/**
 * Random bodies, headers, content types and queries at every webhook endpoint: never a 5xx, never an unhandled
 * rejection, always a JSON answer. Half the cases carry the right secret so they reach the parsers; bodies include
 * real fixtures with a random field replaced or deleted, which is what finds parser crashes.
 */

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
})

const fixtures: Record<Source, unknown[]> = {
  gitlab: readdirSync('test/fixtures/gitlab').map((f) => JSON.parse(fixture('gitlab', f))),
  jenkins: readdirSync('test/fixtures/jenkins').map((f) => JSON.parse(fixture('jenkins', f))),
  github: readdirSync('test/fixtures/github').map((f) => JSON.parse(fixture('github', f))),
}

/** Follows `path` (indices into each level's keys) into a copy of `doc` and replaces or deletes what it finds. */
function mutate(doc: unknown, path: number[], replacement: unknown, del: boolean): unknown {
  const root = structuredClone(doc)
  let node = root as Record<string, unknown>
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') break
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const key = keys[path[i] % keys.length]
    const child = node[key]
    if (i === path.length - 1 || child === null || typeof child !== 'object') {
      if (del) delete node[key]
      else node[key] = replacement
      break
    }
    node = child as Record<string, unknown>
  }
  return root
}

const ascii = (max = 40) => fc.string({ unit: 'grapheme-ascii', maxLength: max })
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs)

const contentType = fc.oneof(
  { arbitrary: pick(undefined, 'application/json', 'application/json;charset=UTF-8'), weight: 6 },
  pick(undefined, 'application/json', 'application/json; charset=utf-8', 'application/vnd.x+json', 'text/plain', 'application/xml',
    'text/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=a', 'application/json; charset=latin1', ''),
  ascii(),
)
const headerValue = (...plausible: string[]) => fc.oneof(pick(...plausible), ascii())
const headers = fc.record(
  {
    'x-gitlab-event': headerValue('Pipeline Hook', 'Job Hook', 'Build Hook', 'Deployment Hook', 'Push Hook', 'System Hook'),
    'x-gitlab-event-uuid': ascii(),
    'idempotency-key': ascii(),
    'x-github-event': headerValue('workflow_run', 'deployment_status', 'ping', 'push'),
    'x-github-delivery': ascii(),
    'x-hub-signature-256': headerValue('sha256=', 'sha256=00', 'sha1=00'),
    authorization: headerValue('Basic', 'Basic !!!', 'Basic ' + Buffer.from('a:b').toString('base64'), 'Bearer x'),
  },
  { requiredKeys: [] },
)

const body = (source: Source) =>
  fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.nat({ max: fixtures[source].length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean())
        .map(([i, path, value, del]) => JSON.stringify(mutate(fixtures[source][i], path, value, del))),
      weight: 6,
    },
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
    pick('<job><build><phase>FINALIZED</phase></build></job>', '<job>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><job>&a;</job>', 'payload=%7B', 'payload='),
  )

const GITLAB_EVENTS: Record<string, string> = { pipeline: 'Pipeline Hook', build: 'Job Hook', deployment: 'Deployment Hook' }
function nameEvent(source: Source, body: string | Uint8Array, h: Headers) {
  let doc: unknown
  try {
    doc = JSON.parse(typeof body === 'string' ? body : '')
  } catch {
    return // not JSON: nothing to name
  }
  if (doc === null || typeof doc !== 'object') return
  const kind = (doc as Record<string, unknown>).object_kind
  if (source === 'gitlab' && typeof kind === 'string' && GITLAB_EVENTS[kind]) h.set('x-gitlab-event', GITLAB_EVENTS[kind])
  if (source === 'github') h.set('x-github-event', 'workflow_run' in doc ? 'workflow_run' : 'deployment_status')
}

const request = (source: Source) =>
  fc.record({
    body: body(source),
    contentType,
    headers,
    authorized: fc.boolean(),
    /** Name the event the body is (X-Gitlab-Event / X-GitHub-Event), as the real sender would. */
    named: fc.boolean(),
    query: fc.option(ascii(20)),
  })

let deps: TestDeps
beforeAll(async () => {
  deps = await testDeps({ settings: { secrets: { ...SECRETS } } })
})
afterAll(async () => {
  await deps.close()
})

describe('webhooks under random input', () => {
  it.each(['gitlab', 'jenkins', 'github'] as const)('%s: never a 5xx, never an unhandled rejection', async (source) => {
    const app = createApp(deps)
    const seen = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(request(source), async (r) => {
        const h = new Headers(r.headers)
        if (r.contentType !== undefined) h.set('content-type', r.contentType)
        const bytes = typeof r.body === 'string' ? new TextEncoder().encode(r.body) : r.body
        let path = `/webhooks/${source}`
        if (r.query !== null) path += `?token=${encodeURIComponent(r.query)}`
        if (r.named) nameEvent(source, r.body, h)
        if (r.authorized) {
          if (source === 'gitlab') h.set('x-gitlab-token', SECRETS.gitlab)
          if (source === 'jenkins') path = `/webhooks/jenkins?token=${SECRETS.jenkins}`
          if (source === 'github') h.set('x-hub-signature-256', githubSignature(bytes, SECRETS.github))
        }
        const res = await app.request(path, { method: 'POST', headers: h, body: bytes })
        const text = await res.text()
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
        expect([200, 202, 400, 401, 413, 415], `${res.status} ${text}`).toContain(res.status)
        expect(() => JSON.parse(text)).not.toThrow()
      }),
      { numRuns: 300 },
    )
    // The cases reach every stage: rejected at the door, refused by the parser, and stored.
    for (const status of [202, 400, 401, 415]) expect(seen.get(status), `status ${status} in ${[...seen]}`).toBeGreaterThan(0)
    expect(unhandled).toEqual([])
    expect(deps.logs.filter((l) => JSON.parse(l).level >= 50)).toEqual([])
  })

  it('unknown sources and paths are a 404, never a 5xx', async () => {
    const app = createApp(deps)
    await fc.assert(
      fc.asyncProperty(ascii(30), fc.string({ maxLength: 100 }), async (name, b) => {
        const res = await app.request(`/webhooks/${encodeURIComponent(name)}`, { method: 'POST', body: b })
        expect(res.status).toBeLessThan(500)
        if (!['gitlab', 'jenkins', 'github'].includes(name)) expect([404, 405]).toContain(res.status)
      }),
      { numRuns: 200 },
    )
    expect(unhandled).toEqual([])
  })
})
