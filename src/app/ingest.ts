import { HTTPException } from 'hono/http-exception'
import { ZodError } from 'zod'
import { toEvent, type Source } from '../../adapters/index.js'
import { keptHeaders } from '../../adapters/common/kept-headers.js'
import { checkMediaType } from '../../adapters/common/media-type.js'
import { isIgnored, type Adapter, type RawRequest, type RequestHead } from '../../adapters/common/types.js'
import type { CommonEvent } from '../event.js'
import type { AppDeps } from './deps.js'
import { AuthError, BusyError, PayloadError, TooLargeError, UnavailableError, UnsupportedMediaError } from '../errors.js'
import { newEventId } from '../ids.js'
import { pipelineKey } from '../../rules/pipeline-key.js'
import { route } from '../../rules/route.js'
import { nativeSource, type ServedSource } from './source-of.js'

/** What became of one webhook that was not rejected. Rejections are thrown as typed HTTP errors (4xx/503). */
export type IngestOutcome =
  | { outcome: 'accepted'; event_id: string }
  | { outcome: 'duplicate'; event_id: string }
  | { outcome: 'ignored'; reason: string }

type Deps = Pick<AppDeps, 'settings' | 'store' | 'rules' | 'log' | 'metrics' | 'wake'>

/**
 * A webhook as the transport hands it over (src/http/webhooks.ts; the bench builds one too): the head at once, the
 * body only when ingest asks for it, once, after the head's checks.
 */
export type IncomingWebhook = RequestHead & {
  /** The declared Content-Length, when there is one. */
  declaredLength?: number
  /** The body as strict UTF-8 text, read within BODY_LIMIT and the bytes in flight; throws TooLargeError, BusyError, PayloadError. */
  body(): Promise<string>
}

export type IngestOptions = {
  /** The peer's address, for the log line of a rejection. */
  client?: string
  now?: Date
}

/**
 * The accept path: media type and declared size → credential present, and right when it travels in a header or the
 * query → body, within BODY_LIMIT and the bytes in flight → signature over the body (when that is how the source signs) → parse into a
 * common event → dedupe, route and store in one transaction (with the headers that say what the webhook was) → wake the worker. A request without the right
 * credential costs no body read when it can be told from the head, and nothing is parsed or stored before the secret
 * is checked; the event is committed before this resolves (a 202 is durable). One log line per webhook. A source
 * defined in the rules file (src/app/source-of.ts) goes the same way, with its adapter and its secret.
 */
export async function ingest(deps: Deps, served: Source | ServedSource, incoming: IncomingWebhook, o: IngestOptions = {}): Promise<IngestOutcome> {
  const { name: source, adapter, secret } = typeof served === 'string' ? nativeSource(deps.settings, served) : served
  let event: CommonEvent | undefined
  try {
    checkMediaType(adapter.mediaTypes, incoming.headers.get('content-type'))
    if ((incoming.declaredLength ?? 0) > deps.settings.bodyLimit) throw new TooLargeError(deps.settings.bodyLimit)
    const head: RequestHead = { headers: incoming.headers, query: incoming.query }
    if (secret) {
      if (!adapter.auth.present(head)) throw new AuthError(adapter.auth.missing)
      if (adapter.auth.in === 'head' && !adapter.verify({ ...head, body: '' }, secret)) throw new AuthError(adapter.auth.wrong)
    }
    const raw: RawRequest = { ...head, body: await incoming.body() }
    if (secret && adapter.auth.in === 'body' && !adapter.verify(raw, secret)) throw new AuthError(adapter.auth.wrong)

    const now = o.now ?? new Date()
    const parsed = parse(deps, adapter, raw, now)
    if (isIgnored(parsed)) {
      deps.metrics.eventsIgnored.inc({ source })
      deps.log.info({ source, outcome: 'ignored', reason: parsed.ignored }, 'webhook ignored')
      return { outcome: 'ignored', reason: parsed.ignored }
    }
    const e: CommonEvent = parsed
    event = e
    const rules = deps.rules.current
    const res = await deps.store.accept({
      event: e,
      dedupeKey: e.delivery_id,
      pipelineKey: pipelineKey(e),
      decide: (prev) => route(e, rules, prev),
      headers: keptHeaders(adapter, incoming.headers),
    })
    const fields = { source, kind: e.kind, status: e.status, project: e.project.path, event_id: res.event_id }
    if (res.duplicate) {
      deps.metrics.duplicates.inc({ source })
      deps.log.info({ ...fields, outcome: 'duplicate' }, 'webhook is a redelivery')
      return { outcome: 'duplicate', event_id: res.event_id }
    }
    deps.metrics.eventsReceived.inc({ source, kind: e.kind, status: e.status })
    // Held or dropped by a rule's time intervals: settled here, so counted here (the worker never sees them).
    for (const t of res.routing.targets) if (t.hold) deps.metrics.deliveries.inc({ target: t.target, result: t.hold.catch_up === 'drop' ? 'dropped' : 'held' })
    deps.log.info({ ...fields, outcome: 'accepted', targets: res.routing.targets.map((t) => t.target) }, 'webhook accepted')
    deps.wake()
    return { outcome: 'accepted', event_id: res.event_id }
  } catch (err) {
    const reason = rejectionReason(err)
    if (reason) {
      deps.metrics.rejected.inc({ source, reason })
      const fields = event ? { kind: event.kind, status: event.status, project: event.project.path } : {}
      deps.log.warn({ source, client: o.client, ...fields, outcome: 'rejected', reason, error: (err as Error).message }, 'webhook rejected')
    }
    throw err
  }
}

/** The adapter's parse; it must throw PayloadError, and anything else it throws on odd input is still a 400. */
function parse(deps: Deps, adapter: Adapter, raw: RawRequest, now: Date) {
  const source = adapter.name
  try {
    return toEvent(adapter, raw, { id: newEventId(now), now })
  } catch (err) {
    if (err instanceof HTTPException) throw err
    if (err instanceof ZodError) {
      const issue = err.issues[0]
      throw new PayloadError(`${source} payload: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    // An adapter bug met an input it did not expect: the sender gets a 400, we get the stack.
    deps.log.error({ source, err }, 'adapter failed on a payload')
    throw new PayloadError(`${source} payload could not be read`)
  }
}

function rejectionReason(err: unknown): string | undefined {
  if (err instanceof AuthError) return 'auth'
  if (err instanceof PayloadError) return 'malformed'
  if (err instanceof TooLargeError) return 'too_large'
  if (err instanceof UnsupportedMediaError) return 'unsupported_media'
  if (err instanceof BusyError) return 'busy'
  if (err instanceof UnavailableError) return 'unavailable'
  return undefined
}
