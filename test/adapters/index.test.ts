import { type Source } from '../../adapters/index.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { adapters, toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { CommonEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { fixture, req, sample } from './request.js'

const NOW = new Date('2026-11-29T01:00:00.000Z')

describe('toEvent', () => {
  it('adds our id and the receive time to a valid event', () => {
    const e = toEvent('gitlab', req(fixture('gitlab/pipeline-success-docs.json'), { 'x-gitlab-event': 'Pipeline Hook' }), { id: 'ev-42', now: NOW })
    expect(e).toMatchObject({ id: 'ev-42', received_at: '2026-11-29T01:00:00.000Z', source: 'gitlab', status: 'success' })
    expect(CommonEvent.parse(e)).toEqual(e)
  })

  it('passes ignored events through untouched', () => {
    expect(toEvent('github', req('{}', { 'x-github-event': 'ping' }), { id: 'x', now: NOW })).toEqual({ ignored: 'ping' })
  })

  it('never echoes a secret-bearing header in an error or an ignored reason', () => {
    const secret = 'S3cr3t-never-shown'
    const headers = { 'x-gitlab-token': secret, 'x-hub-signature-256': `sha256=${secret}`, authorization: `Basic ${Buffer.from(`u:${secret}`).toString('base64')}` }
    const outcomes = [
      () => toEvent('gitlab', req('{"object_kind":"pipeline"}', { ...headers, 'x-gitlab-event': 'Pipeline Hook' }), { id: 'x', now: NOW }),
      () => toEvent('jenkins', { ...req('{"url":"job/x/"}', headers), query: new URLSearchParams({ token: secret }) }, { id: 'x', now: NOW }),
      () => toEvent('github', req('{"action":"completed"}', { ...headers, 'x-github-event': 'workflow_run' }), { id: 'x', now: NOW }),
    ]
    for (const outcome of outcomes) {
      expect(outcome).toThrow(PayloadError)
      expect(outcome).not.toThrow(secret)
    }
    expect(JSON.stringify(toEvent('gitlab', req('{}', { ...headers, 'x-gitlab-event': 'Push Hook' }), { id: 'x', now: NOW }))).not.toContain(secret)
  })

  it('registers one adapter per source under its own name', () => {
    expect(Object.entries(adapters).map(([k, a]) => [k, a.name])).toEqual([
      ['gitlab', 'gitlab'],
      ['jenkins', 'jenkins'],
      ['github', 'github'],
    ])
  })
})

/** Every fixture with the headers its source sends. */
const CASES: { source: Source; body: string; headers: Record<string, string> }[] = [
  ...['pipeline-success-docs', 'pipeline-running-adapted'].map((n) => ({ source: 'gitlab' as const, body: fixture(`gitlab/${n}.json`), headers: { 'x-gitlab-event': 'Pipeline Hook' } })),
  ...['job-created-docs', 'job-success-gitlabcom-go-gitlab', 'job-running-gitlabcom-mercury-bot'].map((n) => ({ source: 'gitlab' as const, body: fixture(`gitlab/${n}.json`), headers: { 'x-gitlab-event': 'Job Hook' } })),
  { source: 'gitlab', body: fixture('gitlab/deployment-success-docs.json'), headers: { 'x-gitlab-event': 'Deployment Hook' } },
  { source: 'jenkins', body: fixture('jenkins/finalized-failure-adapted.json'), headers: {} },
  { source: 'jenkins', body: fixture('jenkins/started-adapted.json'), headers: {} },
  ...['workflow_run-completed-success-with-pr', 'workflow_run-in_progress-adapted'].map((n) => ({ source: 'github' as const, body: fixture(`github/${n}.json`), headers: { 'x-github-event': 'workflow_run' } })),
  ...['deployment_status-created-success', 'deployment_status-created-in_progress-actions'].map((n) => ({ source: 'github' as const, body: fixture(`github/${n}.json`), headers: { 'x-github-event': 'deployment_status' } })),
]

/**
 * Runs the adapter and fails the property unless it returns an ignored result or an event the schema accepts (a
 * ZodError here is an adapter bug), or throws PayloadError.
 */
function onlyPayloadErrors(source: Source, body: string, headers: Record<string, string>): void {
  let result
  try {
    result = adapters[source].parse(req(body, headers))
  } catch (err) {
    if (err instanceof PayloadError) return
    throw err
  }
  if (!isIgnored(result)) CommonEvent.parse({ ...result, id: 'fuzz', received_at: NOW.toISOString() })
}

type Path = (string | number)[]
function paths(v: unknown, prefix: Path = []): Path[] {
  if (typeof v !== 'object' || v === null) return [prefix]
  return [prefix, ...Object.entries(v).flatMap(([k, c]) => paths(c, [...prefix, Array.isArray(v) ? Number(k) : k]))]
}
function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value
  const copy: any = structuredClone(root)
  let node = copy
  for (const k of path.slice(0, -1)) node = node[k]
  node[path[path.length - 1]] = value
  return copy
}

describe('adapters never throw anything but PayloadError (property-based)', () => {
  it('on any value put anywhere in a real payload', () => {
    const jsonCases = CASES.map((c) => ({ ...c, parsed: JSON.parse(c.body) as unknown, paths: paths(JSON.parse(c.body)) }))
    fc.assert(
      fc.property(
        fc.nat({ max: jsonCases.length - 1 }),
        fc.nat(),
        fc.oneof(fc.jsonValue(), fc.constantFrom(null, '', 0, -1, 1e300, 'x', [], {}, '2016-08-12 15:23:28 UTC', 'origin/', 'job/')),
        (ci, pi, value) => {
          const c = jsonCases[ci]
          const body = JSON.stringify(replaceAt(c.parsed, c.paths[pi % c.paths.length], value))
          onlyPayloadErrors(c.source, body, c.headers)
        },
      ),
      { numRuns: 800 },
    )
  })

  it('on random bodies and headers', () => {
    const headerNames = ['x-gitlab-event', 'x-github-event', 'content-type', 'idempotency-key', 'x-github-delivery', 'authorization']
    fc.assert(
      fc.property(
        fc.constantFrom<Source>('gitlab', 'jenkins', 'github'),
        fc.oneof(fc.string(), fc.json(), fc.constantFrom('<job>', '<job><build/></job>', 'payload=%7B', '<?xml version="1.0"?><job/>')),
        fc.dictionary(fc.constantFrom(...headerNames), fc.oneof(fc.constantFrom('Pipeline Hook', 'Job Hook', 'Deployment Hook', 'workflow_run', 'deployment_status', 'ping', 'application/xml', 'application/x-www-form-urlencoded'), fc.stringMatching(/^[\x21-\x7e]{0,20}$/))),
        (source, body, headers) => onlyPayloadErrors(source, body, headers),
      ),
      { numRuns: 800 },
    )
  })

  it('on any element text put into the Jenkins XML sample', () => {
    const xml = sample('jenkins-finalized-unstable.xml')
    const tags = [...xml.matchAll(/<(\w+)>[^<]+<\/\1>/g)].map((m) => m[0])
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.string(), (element, text) => {
        const name = /^<(\w+)>/.exec(element)![1]
        const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
        onlyPayloadErrors('jenkins', xml.replace(element, `<${name}>${escaped}</${name}>`), { 'content-type': 'application/xml' })
      }),
      { numRuns: 300 },
    )
  })

  it('verify never throws, whatever the headers and query', () => {
    fc.assert(
      fc.property(fc.constantFrom<Source>('gitlab', 'jenkins', 'github'), fc.string(), fc.string(), fc.string({ minLength: 1 }), (source, header, query, secret) => {
        const printable = header.replace(/[^\x21-\x7e]/g, '')
        const r = req('{}', { 'x-gitlab-token': printable, 'x-hub-signature-256': printable, authorization: `Basic ${printable}` }, `token=${encodeURIComponent(query)}`)
        expect(typeof adapters[source].verify(r, secret)).toBe('boolean')
      }),
      { numRuns: 500 },
    )
  })
})
