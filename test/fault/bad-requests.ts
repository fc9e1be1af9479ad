import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { adapters, type Source as NativeSource } from '../../adapters/index.js'

/**
 * Generated abuse for the webhook endpoints: every kind of bad request a broken CI, a proxy or an attacker can send,
 * deterministic from a seed. Each request says which answers are acceptable for its category.
 */

export const SECRETS = {
  gitlab: 'fault-gitlab-token-7c1e',
  github: 'fault-github-secret-92ab',
  jenkins: 'fault-jenkins-token-4d0f',
  gitea: 'fault-gitea-secret-5b3d',
  forgejo: 'fault-forgejo-secret-e81a',
} as const satisfies Record<NativeSource, string>

/** The sources this suite generates for: every native one (adapters/index.ts); SPECS says what each needs. */
export type Source = NativeSource

export type Category = 'broken_json' | 'wrong_types' | 'huge_strings' | 'deep_nesting' | 'invalid_utf8' | 'wrong_auth' | 'bad_headers' | 'over_limit'

/** How many of each in a run of 10 000, and which statuses each may get (never a 5xx; 202 only where the body can be a valid event). */
export const CATEGORIES: Record<Category, { count: number; allowed: number[] }> = {
  broken_json: { count: 2500, allowed: [400] },
  wrong_types: { count: 2300, allowed: [200, 202, 400] },
  huge_strings: { count: 100, allowed: [200, 202, 400, 413] },
  deep_nesting: { count: 150, allowed: [200, 202, 400] },
  invalid_utf8: { count: 1600, allowed: [400] },
  wrong_auth: { count: 2500, allowed: [401] },
  bad_headers: { count: 820, allowed: [200, 400, 415] },
  over_limit: { count: 30, allowed: [413] },
}

export type BadRequest = { category: Category; source: Source; path: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }

/** mulberry32: small, fast, good enough to spread cases; the same seed gives the same 10 000 requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * What the suite needs of each source beyond its registry entry (where its credential travels, its event header):
 * a real payload, the event type it is, the fields its adapter reads (wrong types go there, where they hurt), other
 * event types it may be sent, and how a payload becomes a new delivery (a delivery-id header, or Jenkins' build number).
 */
type Spec = { fixture: string; event?: string; otherEvents: string[]; paths: string[][]; fresh: { header: string } | { path: string[] } }
const SPECS: Record<Source, Spec> = {
  gitlab: {
    fixture: 'gitlab/pipeline-failed-adapted.json',
    event: 'Pipeline Hook',
    otherEvents: ['Push Hook', 'System Hook', 'Job Hook', 'Deployment Hook', '', 'x'.repeat(8000)],
    fresh: { header: 'idempotency-key' },
    paths: [['object_kind'], ['object_attributes'], ['object_attributes', 'id'], ['object_attributes', 'status'], ['object_attributes', 'ref'], ['object_attributes', 'tag'], ['object_attributes', 'created_at'], ['object_attributes', 'finished_at'], ['object_attributes', 'duration'], ['object_attributes', 'stages'], ['project'], ['project', 'path_with_namespace'], ['project', 'web_url'], ['user'], ['user', 'username'], ['commit'], ['commit', 'author'], ['builds'], ['merge_request'], ['merge_request', 'iid']],
  },
  github: {
    fixture: 'github/workflow_run-completed-failure-adapted.json',
    event: 'workflow_run',
    otherEvents: ['push', 'ping', 'deployment_status', '', 'workflow_job'],
    fresh: { header: 'x-github-delivery' },
    paths: [['action'], ['workflow_run'], ['workflow_run', 'id'], ['workflow_run', 'status'], ['workflow_run', 'conclusion'], ['workflow_run', 'head_branch'], ['workflow_run', 'head_sha'], ['workflow_run', 'run_number'], ['workflow_run', 'run_attempt'], ['workflow_run', 'created_at'], ['workflow_run', 'updated_at'], ['workflow_run', 'html_url'], ['workflow_run', 'actor'], ['workflow_run', 'head_commit'], ['workflow_run', 'pull_requests'], ['repository'], ['repository', 'full_name'], ['sender']],
  },
  jenkins: {
    fixture: 'jenkins/finalized-failure-adapted.json',
    otherEvents: [],
    fresh: { path: ['build', 'number'] },
    paths: [['name'], ['url'], ['build'], ['build', 'number'], ['build', 'phase'], ['build', 'status'], ['build', 'full_url'], ['build', 'timestamp'], ['build', 'duration'], ['build', 'scm'], ['build', 'scm', 'branch'], ['build', 'scm', 'commit'], ['build', 'scm', 'culprits'], ['build', 'artifacts'], ['build', 'parameters']],
  },
  gitea: {
    fixture: 'gitea/workflow_run-completed-failure.json',
    event: 'workflow_run',
    otherEvents: ['push', 'pull_request', 'workflow_dispatch', '', 'x'.repeat(8000)],
    fresh: { header: 'x-gitea-delivery' },
    paths: [['action'], ['workflow'], ['workflow', 'name'], ['workflow_run'], ['workflow_run', 'id'], ['workflow_run', 'status'], ['workflow_run', 'conclusion'], ['workflow_run', 'head_branch'], ['workflow_run', 'head_sha'], ['workflow_run', 'run_number'], ['workflow_run', 'run_attempt'], ['workflow_run', 'started_at'], ['workflow_run', 'completed_at'], ['workflow_run', 'html_url'], ['workflow_run', 'display_title'], ['repository'], ['repository', 'full_name'], ['repository', 'html_url'], ['sender'], ['sender', 'login']],
  },
  forgejo: {
    fixture: 'forgejo/action_run_failure.json',
    event: 'action_run_failure',
    otherEvents: ['push', 'action_run', 'workflow_run', '', 'x'.repeat(8000)],
    fresh: { header: 'x-forgejo-delivery' },
    paths: [['action'], ['prior_status'], ['run'], ['run', 'id'], ['run', 'title'], ['run', 'repository'], ['run', 'repository', 'full_name'], ['run', 'workflow_id'], ['run', 'index_in_repo'], ['run', 'trigger_user'], ['run', 'prettyref'], ['run', 'commit_sha'], ['run', 'status'], ['run', 'started'], ['run', 'stopped'], ['run', 'html_url']],
  },
}
const SOURCES = Object.keys(adapters) as Source[]
const FIXTURES = Object.fromEntries(SOURCES.map((s) => [s, readFileSync(`test/fixtures/${SPECS[s].fixture}`, 'utf8')])) as Record<Source, string>
const PATHS = Object.fromEntries(SOURCES.map((s) => [s, SPECS[s].paths])) as Record<Source, string[][]>
const WRONG = [42, -1, 1e308, 3.5, '', 'x', '2016-13-45 99:99:99 UTC', null, true, false, [], [1, 'a'], {}, { a: { b: 1 } }, '\u0000', '\u202e<script>']

const enc = new TextEncoder()
let seq = 0

function setPath(doc: unknown, path: string[], value: unknown): void {
  let at = doc as Record<string, unknown>
  for (const k of path.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {}
    at = at[k] as Record<string, unknown>
  }
  at[path.at(-1)!] = value
}

/**
 * A request with the right credentials for its bytes, where the source's registry entry says they travel (a
 * signature covers the exact bytes sent), its event header, and a fresh delivery id.
 */
function signed(category: Category, source: Source, body: Uint8Array<ArrayBuffer>, extra: Record<string, string> = {}): BadRequest {
  const id = `fault-${++seq}`
  const spec = SPECS[source]
  const c = adapters[source].auth.credential
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  let path = `/webhooks/${source}`
  const header = adapters[source].event?.header
  if (header && spec.event !== undefined) headers[header] = spec.event
  if ('header' in spec.fresh) headers[spec.fresh.header] = id
  if (c.kind === 'hmac') headers[c.header] = (c.prefix ?? '') + createHmac(c.algorithm, SECRETS[source]).update(body).digest(c.encoding)
  else if (c.header) headers[c.header] = SECRETS[source]
  else if (c.query) path += `?${c.query}=${SECRETS[source]}`
  return { category, source, path, body, headers: { ...headers, ...extra } }
}

/** The body with a fresh dedupe key when the source derives it from the body (Jenkins' build number). */
function freshBody(source: Source, doc: unknown): void {
  const fresh = SPECS[source].fresh
  if ('path' in fresh) setPath(doc, fresh.path, 10_000 + ++seq)
}

/** A valid, correctly authenticated webhook; `n` makes it a new delivery (idempotency key, or Jenkins build number). */
export function webhook(source: Source, n: number): { path: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } {
  const doc = JSON.parse(FIXTURES[source])
  const fresh = SPECS[source].fresh
  if ('path' in fresh) setPath(doc, fresh.path, n)
  const r = signed('wrong_types', source, enc.encode(JSON.stringify(doc)))
  if ('header' in fresh) r.headers[fresh.header] = `webhook-${n}`
  return { path: r.path, headers: r.headers, body: r.body }
}

type Gen = (source: Source, rnd: () => number) => BadRequest

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))

const generators: Record<Category, Gen> = {
  broken_json(source, rnd) {
    const text = FIXTURES[source]
    for (;;) {
      const at = int(rnd, 0, text.length - 1)
      const candidates = [
        text.slice(0, at),
        text.slice(0, at) + pick(rnd, ['{', '"', ',', ']', ':', '}}', '\\', 'NaN', 'undefined', "'"]) + text.slice(at),
        text.replace(/"/, "'"),
        text + ',',
        '',
        ' ',
        'null',
        '[]',
        '"a string"',
        '12',
        '{"a":1}{"b":2}',
        '\u0000'.repeat(int(rnd, 1, 64)),
      ]
      const candidate = pick(rnd, candidates)
      // Only bodies that really are not a JSON object count as broken (a comma inserted inside a string is valid).
      let parsed: unknown
      try {
        parsed = JSON.parse(candidate)
      } catch {
        return signed('broken_json', source, enc.encode(candidate))
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return signed('broken_json', source, enc.encode(candidate))
    }
  },
  wrong_types(source, rnd) {
    const doc = JSON.parse(FIXTURES[source])
    for (let i = int(rnd, 1, 3); i > 0; i--) setPath(doc, pick(rnd, PATHS[source]), structuredClone(pick(rnd, WRONG)))
    freshBody(source, doc)
    return signed('wrong_types', source, enc.encode(JSON.stringify(doc)))
  },
  huge_strings(source, rnd) {
    const doc = JSON.parse(FIXTURES[source])
    const unit = pick(rnd, ['a', '构建', '🚀', '\\', '"', '<>&', '\u0000'])
    const bytes = int(rnd, 50_000, 1_000_000)
    setPath(doc, pick(rnd, PATHS[source]), unit.repeat(Math.ceil(bytes / enc.encode(unit).length)))
    freshBody(source, doc)
    return signed('huge_strings', source, enc.encode(JSON.stringify(doc)))
  },
  deep_nesting(source, rnd) {
    // Deep enough that JSON.stringify of the value overflows the stack (> ~4000 levels) in a third of the cases.
    const depth = pick(rnd, [10, 100, 1000, 2000, 6000, 12_000])
    const open = pick(rnd, ['[', '{"a":'])
    const deep = open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth)
    const path = pick(rnd, [['extra'], ...PATHS[source]])
    const doc = JSON.parse(FIXTURES[source])
    freshBody(source, doc)
    setPath(doc, path, '__DEEP__')
    return signed('deep_nesting', source, enc.encode(JSON.stringify(doc).replace('"__DEEP__"', deep)))
  },
  invalid_utf8(source, rnd) {
    const bytes = enc.encode(FIXTURES[source])
    const bad = pick(rnd, [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe4, 0xb8], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80]])
    const at = int(rnd, 0, bytes.length)
    const out = new Uint8Array(bytes.length + bad.length)
    out.set(bytes.subarray(0, at))
    out.set(bad, at)
    out.set(bytes.subarray(at), at + bad.length)
    return signed('invalid_utf8', source, out)
  },
  wrong_auth(source, rnd) {
    const body = enc.encode(pick(rnd, [FIXTURES[source], '{', 'garbage', '']))
    const r = signed('wrong_auth', source, body)
    const secret = SECRETS[source]
    const wrong = pick(rnd, ['', 'x', secret.slice(0, -1), secret + 'x', secret.toUpperCase(), 'x' + secret, secret.replace(/.$/, '\u00e9'), 'sha256=', 'a'.repeat(4096)])
    const c = adapters[source].auth.credential
    if (c.kind === 'hmac') {
      const other = createHmac(c.algorithm, secret).update(body).update('x').digest(c.encoding)
      const p = c.prefix ?? ''
      const sig = pick(rnd, [null, '', p, `${p}${other}`, `sha1=${other.slice(0, 40)}`, `${p}${other.toUpperCase()}`, `${p}${other.slice(0, 10)}`, wrong])
      if (sig === null) delete r.headers[c.header]
      else r.headers[c.header] = sig
    } else if (c.header) {
      if (rnd() < 0.2) delete r.headers[c.header]
      else r.headers[c.header] = wrong
    } else if (!c.basic || rnd() < 0.5) {
      r.path = rnd() < 0.2 ? `/webhooks/${source}` : `/webhooks/${source}?${c.query}=${encodeURIComponent(wrong)}`
    } else {
      r.path = `/webhooks/${source}`
      r.headers.authorization = 'Basic ' + Buffer.from(`${source}:${wrong}`).toString('base64')
    }
    return r
  },
  bad_headers(source, rnd) {
    const body = enc.encode(FIXTURES[source])
    const r = signed('bad_headers', source, body)
    const which = int(rnd, 0, 3)
    const header = adapters[source].event?.header
    const types = adapters[source].mediaTypes
    if (which === 0) r.headers['content-type'] = pick(rnd, ['text/plain', 'image/png', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'])
    else if (header && which === 1) delete r.headers[header]
    else if (header) r.headers[header] = pick(rnd, SPECS[source].otherEvents)
    else if (types.length) r.headers['content-type'] = pick(rnd, types) // a declared type, but the body is JSON
    return r
  },
  over_limit(source, rnd) {
    const pad = ' '.repeat(1024 * 1024 + int(rnd, 1, 100_000))
    return signed('over_limit', source, enc.encode(FIXTURES[source] + pad))
  },
}

/** The whole set (or one category of it), `scale` × the table's counts, interleaved by category and source. */
export function* badRequests(seed: number, scale = 1, only?: Category): Generator<BadRequest> {
  const rnd = prng(seed)
  const queue = (Object.entries(CATEGORIES) as [Category, { count: number }][])
    .filter(([c]) => !only || c === only)
    .map(([c, { count }]) => ({ c, left: Math.round(count * scale) }))
  let i = 0
  while (queue.some((q) => q.left > 0)) {
    const q = queue[i++ % queue.length]
    if (q.left <= 0) continue
    q.left--
    yield generators[q.c](SOURCES[i % SOURCES.length], rnd)
  }
}
