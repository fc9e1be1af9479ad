import { createHash } from 'node:crypto'
import { parseJsonBody } from '../adapters/common/json-fields.js'
import { secondsBetween } from '../adapters/common/parse-time.js'
import { statusFields } from '../adapters/common/status.js'
import type { Adapter, Auth, RawRequest } from '../adapters/common/types.js'
import { PayloadError } from '../src/errors.js'
import type { Kind, ParsedEvent, Status } from '../src/event.js'
import { compileAuth, type CompiledAuth } from './source-auth.js'
import { compileField, type CompiledField, type FieldProblem, type Value } from './source-fields.js'
import { compileRef, readRef, type Payload, type Ref } from './source-path.js'
import { FIELD_NAMES, type FieldName, type SourceDef } from './source-schema.js'

/** A dedupe key longer than this is stored as its SHA-256: the key is an index column, the parts come from the payload. */
const DEDUPE_KEY_MAX = 200

/**
 * The Adapter of a source defined in the rules file: the same contract as a native one (adapters/common/types.ts),
 * so ingest, dedupe, transitions, routing, `normalize` and `test` take it as they take GitLab's. Everything it does
 * was decided at load; per request it reads each field's path once. Returns undefined (with problems pushed, their
 * paths under the source) when the definition does not compile. `authOf` is the compiled auth, absent for `none`.
 */
export function sourceAdapter(def: SourceDef, o: { label: string; now: () => number }, problems: FieldProblem[]): Adapter | undefined {
  const before = problems.length
  const fields: CompiledField[] = []
  for (const name of FIELD_NAMES) {
    const spec = def.fields[name]
    if (!spec) continue
    const ps: FieldProblem[] = []
    const f = compileField(name, spec, ps)
    problems.push(...ps.map((p) => ({ path: ['fields', name, ...p.path], message: p.message })))
    if (f) fields.push(f)
  }
  // A header that carries the credential must not become event data (stored, shown in the API, the console and
  // messages): the token header, and whatever carries Basic credentials or cookies.
  const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', ...(def.auth.kind === 'token' && def.auth.header ? [def.auth.header.toLowerCase()] : [])])
  const carriesSecret = (text: string | undefined) => !!text && text.startsWith('header:') && secretHeaders.has(text.slice('header:'.length).trim().toLowerCase())
  for (const name of FIELD_NAMES) {
    const from = def.fields[name]?.from
    if (carriesSecret(from)) problems.push({ path: ['fields', name, 'from'], message: `${from} carries the source's credential: it would be stored and shown with the event; read another header or the body` })
  }
  ;[def.dedupe_key ?? []].flat().forEach((k, i, all) => {
    if (carriesSecret(k)) problems.push({ path: all.length > 1 ? ['dedupe_key', i] : ['dedupe_key'], message: `${k} carries the source's credential: it would be stored with the event; use a delivery id header or a body path` })
  })
  for (const required of ['status', 'project.path'] as const) {
    if (!def.fields[required]) problems.push({ path: ['fields'], message: `needs ${required}: every event has one (kind defaults to pipeline)` })
  }
  const refs = (texts: string[], path: Array<string | number>): Ref[] =>
    texts.flatMap((t, i) => {
      try {
        return [compileRef(t)]
      } catch (err) {
        problems.push({ path: texts.length > 1 ? [...path, i] : path, message: (err as Error).message })
        return []
      }
    })
  const eventRef = def.event && refs(['header' in def.event ? `header:${def.event.header}` : def.event.body], ['event', 'header' in def.event ? 'header' : 'body'])[0]
  const dedupe = def.dedupe_key === undefined ? undefined : refs([def.dedupe_key].flat(), ['dedupe_key'])
  if (def.accept && !def.event) problems.push({ path: ['accept'], message: 'needs event: where the event type is ({ header: … } or { body: … })' })
  if (problems.length > before) return undefined

  const compiled: CompiledAuth | undefined = def.auth.kind === 'none' ? undefined : compileAuth(def.id, def.auth, o.now)
  const id = def.id
  return {
    name: id,
    label: o.label,
    secret: { env: def.auth.kind === 'none' ? '' : def.auth.secret_env, flag: '', meaning: `the ${id} source's secret (rules file, sources)` },
    // With `none` there is no secret, and ingest checks a credential only when the source has a secret.
    auth: compiled?.auth ?? OPEN,
    mediaTypes: [],
    ...(eventRef?.kind === 'header' && { event: { header: eventRef.name } }),
    deliveryHeaders: (dedupe ?? []).flatMap((r) => (r.kind === 'header' ? [r.name] : [])),
    setup: `defined in the rules file (sources: ${id})`,
    vouchesActorEmail: false,
    verify: (req, secret) => compiled?.verify(req, secret) ?? false,
    parse(req) {
      const body = parseJsonBody(req.body)
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new PayloadError(`${id} payload: body: expected a JSON object`)
      const p: Payload = { body, headers: req.headers }
      if (eventRef) {
        const ev = readRef(eventRef, p)
        if ((typeof ev !== 'string' && typeof ev !== 'number') || ev === '') throw new PayloadError(`${id} payload: no event type at ${eventRef.text}`)
        if (def.accept && !def.accept.includes(String(ev))) return { ignored: `${id} event ${JSON.stringify(String(ev).slice(0, 80))} is not in accept` }
      }
      const vals = new Map<FieldName, { value: Value; native: string }>()
      for (const f of fields) {
        const v = f.read(p, id)
        if (v !== undefined) vals.set(f.name, v)
      }
      return toParsed(vals, dedupeKey(id, dedupe, p, req))
    },
  }
}

/** Never consulted: a source without a secret is not checked (src/app/ingest.ts). */
const OPEN: Auth = { credential: { kind: 'token' }, in: 'head', present: () => false, missing: '', wrong: '' }

/** The delivery id: the dedupe_key parts, or the SHA-256 of the raw body (an exact redelivery is a duplicate). */
function dedupeKey(id: string, refs: Ref[] | undefined, p: Payload, req: RawRequest): string {
  if (!refs) return createHash('sha256').update(req.body).digest('hex')
  const parts = refs.map((r) => {
    const v = readRef(r, p)
    if (v === undefined || typeof v === 'object') throw new PayloadError(`${id} payload: dedupe_key ${r.text}: ${v === undefined ? 'missing' : 'expected a value, got an object'}`)
    return String(v)
  })
  const key = parts.join('|')
  return key.length > DEDUPE_KEY_MAX ? createHash('sha256').update(key).digest('hex') : key
}

/** Drops undefined members; undefined when none is left (an event has no `commit: {}`). */
function some<T extends Record<string, unknown>>(o: T): T | undefined {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
  return Object.keys(kept).length ? kept : undefined
}

/** The mapped values as a ParsedEvent; src/event.ts validates it after (adapters/index.ts: toEvent). */
function toParsed(vals: Map<FieldName, { value: Value; native: string }>, delivery_id: string): ParsedEvent {
  const s = (n: FieldName) => vals.get(n)?.value as string | undefined
  const num = (n: FieldName) => vals.get(n)?.value as number | undefined
  const status = vals.get('status')!
  const path = s('project.path')!
  const message = s('commit.message') ?? s('message')
  const started_at = s('started_at')
  const finished_at = s('finished_at')
  return {
    source: '',
    kind: (s('kind') ?? 'pipeline') as Kind,
    ...statusFields(status.value as Status, status.native),
    project: { name: s('project.name') ?? path.split('/').at(-1) ?? path, path, ...some({ url: s('project.url') }) },
    ...some({
      ref: s('ref') ?? s('tag') ?? s('branch'),
      branch: s('branch'),
      tag: s('tag'),
      sha: s('sha'),
      commit: some({
        title: s('commit.title') ?? message?.split('\n')[0],
        message,
        url: s('commit.url'),
        author: some({ name: s('author.name'), email: s('author.email') ?? s('author'), username: s('author.username') }),
      }),
      actor: some({ name: s('actor.name') ?? s('actor'), email: s('actor.email'), username: s('actor.username') }),
      number: num('number'),
      attempt: num('attempt'),
      name: s('name') ?? s('pipeline_name'),
      url: s('url'),
      started_at,
      finished_at,
      duration_s: num('duration_s') ?? secondsBetween(started_at, finished_at),
      queued_s: num('queued_s'),
      environment: s('environment'),
      merge_request: some({
        number: num('merge_request.number'),
        title: s('merge_request.title'),
        url: s('merge_request.url'),
        source_branch: s('merge_request.source_branch'),
        target_branch: s('merge_request.target_branch'),
      }),
    }),
    delivery_id,
  }
}
