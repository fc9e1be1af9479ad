import { type Source } from '../../adapters/index.js'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * Generated abuse for the webhook endpoints: every kind of bad request a broken CI, a proxy or an attacker can send,
 * deterministic from a seed. Each request says which answers are acceptable for its category.
 */

export const SECRETS = { gitlab: 'fault-gitlab-token-7c1e', github: 'fault-github-secret-92ab', jenkins: 'fault-jenkins-token-4d0f' } as const

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

const FIXTURES: Record<Source, string> = {
  gitlab: readFileSync('test/fixtures/gitlab/pipeline-failed-adapted.json', 'utf8'),
  github: readFileSync('test/fixtures/github/workflow_run-completed-failure-adapted.json', 'utf8'),
  jenkins: readFileSync('test/fixtures/jenkins/finalized-failure-adapted.json', 'utf8'),
}

/** Fields each source's adapter reads; wrong types go there, where they hurt. */
const PATHS: Record<Source, string[][]> = {
  gitlab: [['object_kind'], ['object_attributes'], ['object_attributes', 'id'], ['object_attributes', 'status'], ['object_attributes', 'ref'], ['object_attributes', 'tag'], ['object_attributes', 'created_at'], ['object_attributes', 'finished_at'], ['object_attributes', 'duration'], ['object_attributes', 'stages'], ['project'], ['project', 'path_with_namespace'], ['project', 'web_url'], ['user'], ['user', 'username'], ['commit'], ['commit', 'author'], ['builds'], ['merge_request'], ['merge_request', 'iid']],
  github: [['action'], ['workflow_run'], ['workflow_run', 'id'], ['workflow_run', 'status'], ['workflow_run', 'conclusion'], ['workflow_run', 'head_branch'], ['workflow_run', 'head_sha'], ['workflow_run', 'run_number'], ['workflow_run', 'run_attempt'], ['workflow_run', 'created_at'], ['workflow_run', 'updated_at'], ['workflow_run', 'html_url'], ['workflow_run', 'actor'], ['workflow_run', 'head_commit'], ['workflow_run', 'pull_requests'], ['repository'], ['repository', 'full_name'], ['sender']],
  jenkins: [['name'], ['url'], ['build'], ['build', 'number'], ['build', 'phase'], ['build', 'status'], ['build', 'full_url'], ['build', 'timestamp'], ['build', 'duration'], ['build', 'scm'], ['build', 'scm', 'branch'], ['build', 'scm', 'commit'], ['build', 'scm', 'culprits'], ['build', 'artifacts'], ['build', 'parameters']],
}
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

/** A request with the right credentials for its bytes (GitHub's signature covers the exact bytes sent). */
function signed(category: Category, source: Source, body: Uint8Array<ArrayBuffer>, extra: Record<string, string> = {}): BadRequest {
  const id = `fault-${++seq}`
  if (source === 'gitlab') {
    return { category, source, path: '/webhooks/gitlab', body, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': SECRETS.gitlab, 'idempotency-key': id, ...extra } }
  }
  if (source === 'github') {
    const sig = 'sha256=' + createHmac('sha256', SECRETS.github).update(body).digest('hex')
    return { category, source, path: '/webhooks/github', body, headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': id, 'x-hub-signature-256': sig, ...extra } }
  }
  return { category, source, path: `/webhooks/jenkins?token=${SECRETS.jenkins}`, body, headers: { 'content-type': 'application/json', ...extra } }
}

/** A valid, correctly authenticated webhook; `n` makes it a new delivery (idempotency key, or Jenkins build number). */
export function webhook(source: Source, n: number): { path: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } {
  const doc = JSON.parse(FIXTURES[source])
  if (source === 'jenkins') setPath(doc, ['build', 'number'], n)
  const r = signed('wrong_types', source, enc.encode(JSON.stringify(doc)))
  if (source === 'gitlab') r.headers['idempotency-key'] = `webhook-${n}`
  if (source === 'github') r.headers['x-github-delivery'] = `webhook-${n}`
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
    if (source === 'jenkins') setPath(doc, ['build', 'number'], 10_000 + ++seq) // keep Jenkins' dedupe key fresh
    return signed('wrong_types', source, enc.encode(JSON.stringify(doc)))
  },
  huge_strings(source, rnd) {
    const doc = JSON.parse(FIXTURES[source])
    const unit = pick(rnd, ['a', '构建', '🚀', '\\', '"', '<>&', '\u0000'])
    const bytes = int(rnd, 50_000, 1_000_000)
    setPath(doc, pick(rnd, PATHS[source]), unit.repeat(Math.ceil(bytes / enc.encode(unit).length)))
    if (source === 'jenkins') setPath(doc, ['build', 'number'], 10_000 + ++seq)
    return signed('huge_strings', source, enc.encode(JSON.stringify(doc)))
  },
  deep_nesting(source, rnd) {
    // Deep enough that JSON.stringify of the value overflows the stack (> ~4000 levels) in a third of the cases.
    const depth = pick(rnd, [10, 100, 1000, 2000, 6000, 12_000])
    const open = pick(rnd, ['[', '{"a":'])
    const deep = open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth)
    const path = pick(rnd, [['extra'], ...PATHS[source]])
    const doc = JSON.parse(FIXTURES[source])
    if (source === 'jenkins') setPath(doc, ['build', 'number'], 10_000 + ++seq)
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
    if (source === 'gitlab') {
      if (rnd() < 0.2) delete r.headers['x-gitlab-token']
      else r.headers['x-gitlab-token'] = wrong
    } else if (source === 'github') {
      const other = createHmac('sha256', SECRETS.github).update(body).update('x').digest('hex')
      const sig = pick(rnd, [null, '', 'sha256=', `sha256=${other}`, `sha1=${other.slice(0, 40)}`, `sha256=${other.toUpperCase()}`, `sha256=${other.slice(0, 10)}`, wrong])
      if (sig === null) delete r.headers['x-hub-signature-256']
      else r.headers['x-hub-signature-256'] = sig
    } else if (rnd() < 0.5) {
      r.path = rnd() < 0.2 ? '/webhooks/jenkins' : `/webhooks/jenkins?token=${encodeURIComponent(wrong)}`
    } else {
      r.path = '/webhooks/jenkins'
      r.headers.authorization = 'Basic ' + Buffer.from(`jenkins:${wrong}`).toString('base64')
    }
    return r
  },
  bad_headers(source, rnd) {
    const body = enc.encode(FIXTURES[source])
    const r = signed('bad_headers', source, body)
    const which = int(rnd, 0, 3)
    if (which === 0) r.headers['content-type'] = pick(rnd, ['text/plain', 'image/png', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'])
    else if (source === 'gitlab') {
      if (which === 1) delete r.headers['x-gitlab-event']
      else r.headers['x-gitlab-event'] = pick(rnd, ['Push Hook', 'System Hook', 'Job Hook', 'Deployment Hook', '', 'x'.repeat(8000)])
    } else if (source === 'github') {
      if (which === 1) delete r.headers['x-github-event']
      else r.headers['x-github-event'] = pick(rnd, ['push', 'ping', 'deployment_status', '', 'workflow_job'])
    } else r.headers['content-type'] = pick(rnd, ['application/xml', 'text/xml'])
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
  const sources: Source[] = ['gitlab', 'github', 'jenkins']
  const queue = (Object.entries(CATEGORIES) as [Category, { count: number }][])
    .filter(([c]) => !only || c === only)
    .map(([c, { count }]) => ({ c, left: Math.round(count * scale) }))
  let i = 0
  while (queue.some((q) => q.left > 0)) {
    const q = queue[i++ % queue.length]
    if (q.left <= 0) continue
    q.left--
    yield generators[q.c](sources[i % 3], rnd)
  }
}
