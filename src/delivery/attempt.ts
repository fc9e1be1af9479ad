import { createHash } from 'node:crypto'
import type { NamedTarget } from '../../rules/compile.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { RenderInput, RobotMessage } from '../render/types.js'
import type { Sender } from '../senders/types.js'
import type { Delivery, DeliveryProgress, Store } from '../store/types.js'
import { DeliveryError } from '../errors.js'
import { redactValues } from '../redact.js'
import { redactRobotUrl } from '../platforms/redact.js'
import { backoff } from './backoff.js'
import type { Clock } from './clock.js'
import type { RateLimit } from './rate-limit.js'
import { RobotError } from '../senders/robot-error.js'

export type AttemptCtx = {
  store: Store
  log: Logger
  metrics: Metrics
  clock: Clock
  limit: RateLimit
  sender: Sender
  retryMaxAgeMs: number
  random: () => number
  signal: AbortSignal
  /** Called before each message: keeps a replica's lease on the target alive across a multi-message send. */
  renew: () => Promise<void>
  /** Every credential the rules file holds (robot URLs, keys, signing secrets), scrubbed from stored errmsgs. */
  secrets: string[]
  /** The platform's least time between two sends: the messages of one batch wait it out between them. */
  minGapMs?: number
}

/** One send: a delivery's messages, or one digest covering several deliveries (the first one carries it). */
export type Batch = { target: NamedTarget; deliveries: Delivery[]; inputs: RenderInput[]; messages: RobotMessage[]; digest: boolean }

export type Outcome = { kind: 'sent' } | { kind: 'dead' } | { kind: 'retry'; at: number; rateLimited: boolean }

/**
 * msgUuid per message: a lone delivery keeps its own (stable across restarts, so DingTalk absorbs a resend); a digest
 * takes one derived from the deliveries it covers, so resending the same digest is absorbed too.
 */
export function batchUuid(b: Pick<Batch, 'deliveries' | 'digest'>, index: number): string {
  const base = b.digest ? `digest-${createHash('sha256').update(b.deliveries.map((d) => d.msg_uuid).join(',')).digest('hex').slice(0, 32)}` : b.deliveries[0].msg_uuid
  return index === 0 ? base : `${base}-${index}`
}

/**
 * How many of the batch's messages an earlier attempt of this very send already got confirmed (recorded on its head
 * delivery). A different send (a digest covering other deliveries) has another uuid and starts from the first.
 */
export function alreadySent(b: Pick<Batch, 'deliveries' | 'digest' | 'messages'>): number {
  const p = b.deliveries[0].progress
  return p && p.uuid === batchUuid(b, 0) ? Math.min(p.sent, b.messages.length) : 0
}

/** Sends a batch, records the outcome in the store, metrics and one log line. Never throws a DeliveryError. */
export async function attempt(ctx: AttemptCtx, b: Batch): Promise<Outcome> {
  const { store, metrics, clock } = ctx
  const name = b.target.name
  const ids = b.deliveries.map((d) => d.id)
  const head = b.deliveries[0]
  const started = clock.now()
  const uuid = batchUuid(b, 0)
  const skipped = alreadySent(b)
  const line = { target: name, deliveries: ids, attempt: head.attempts + 1, messages: b.messages.length, digest: b.digest, ...(skipped ? { alreadySent: skipped } : {}) }
  let sent = skipped
  try {
    // WeCom has no msgUuid: a part the robot confirmed is never posted again, or the group sees it twice.
    for (let i = skipped; i < b.messages.length; i++) {
      if (i > skipped && ctx.minGapMs) await pause(ctx.clock, ctx.minGapMs, ctx.signal)
      await ctx.renew()
      await sendOne(ctx, b, i)
      sent = i + 1
      if (b.messages.length > 1) await store.markProgress(head.id, { uuid, sent })
    }
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err
    return failed(ctx, b, err, { ...line, latencyMs: clock.now() - started }, sent ? { uuid, sent } : undefined)
  }
  const done = clock.now()
  await store.markSent(ids, new Date(done), b.digest ? head.id : undefined)
  metrics.deliveries.inc({ target: name, result: 'sent' }, ids.length)
  if (b.digest) metrics.digests.inc({ target: name })
  for (const input of b.inputs) {
    const received = Date.parse(input.event.received_at)
    if (Number.isFinite(received)) metrics.deliveryLatency.observe({ target: name }, Math.max(0, done - received) / 1000)
  }
  ctx.log.info({ ...line, errcode: 0, latencyMs: done - started }, b.digest ? `digest of ${ids.length} sent` : 'delivery sent')
  return { kind: 'sent' }
}

/** One message; every POST the sender makes takes a slot of the robot's budget (a re-signed DingTalk send is two). */
async function sendOne(ctx: AttemptCtx, b: Batch, i: number): Promise<void> {
  const name = b.target.name
  let posts = 0
  const onPost = () => {
    posts++
    ctx.limit.take(name, ctx.clock.now())
  }
  try {
    await ctx.sender.send(b.target, b.messages[i], { uuid: batchUuid(b, i), signal: ctx.signal, onPost })
  } finally {
    // Counted whether or not it succeeded; a sender that does not report its POSTs still costs one slot a message.
    if (posts === 0) ctx.limit.take(name, ctx.clock.now())
  }
}

async function failed(ctx: AttemptCtx, b: Batch, err: DeliveryError, line: Record<string, unknown>, progress?: DeliveryProgress): Promise<Outcome> {
  const { store, metrics, clock } = ctx
  const name = b.target.name
  const errcode = err.o.errcode
  // A robot (or a proxy in front of it) may quote a credential; what is stored is shown by the API, so scrub it.
  const raw = err instanceof RobotError ? err.r.errmsg : err.message
  const errmsg = redactValues(redactRobotUrl(raw), ctx.secrets)
  const now = clock.now()
  if (!err.o.retryable) {
    for (const d of b.deliveries) await store.markDead(d.id, { errcode, errmsg })
    metrics.deliveries.inc({ target: name, result: 'dead' }, b.deliveries.length)
    ctx.log.warn({ ...line, errcode, errmsg }, 'delivery failed permanently: dead letter')
    return { kind: 'dead' }
  }
  const rateLimited = err.o.retryAfterMs !== undefined
  const at = now + (err.o.retryAfterMs ?? backoff(b.deliveries[0].attempts + 1, { random: ctx.random }))
  metrics.retries.inc({ errcode: err instanceof RobotError ? err.r.label : String(errcode ?? 'error') })
  let dead = 0
  for (const d of b.deliveries) {
    const age = at - Date.parse(d.created_at)
    if (age > ctx.retryMaxAgeMs) {
      dead++
      await store.markDead(d.id, { errcode, errmsg: `gave up after ${Math.round(ctx.retryMaxAgeMs / 3600_000)} h of retries; last error: ${errmsg}` })
    } else {
      await store.markRetry(d.id, { nextAttemptAt: at, errcode, errmsg, ...(d === b.deliveries[0] && progress ? { progress } : {}) })
    }
  }
  if (dead) metrics.deliveries.inc({ target: name, result: 'dead' }, dead)
  if (dead < b.deliveries.length) metrics.deliveries.inc({ target: name, result: 'retry' }, b.deliveries.length - dead)
  ctx.log.warn({ ...line, errcode, errmsg, retryAt: new Date(at).toISOString(), rateLimited }, 'delivery failed: will retry')
  return dead === b.deliveries.length ? { kind: 'dead' } : { kind: 'retry', at, rateLimited }
}

/** Waits `ms` on the worker's clock; on shutdown (abort) it returns at once and the send goes on as it would have. */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      cancel()
      signal.removeEventListener('abort', done)
      resolve()
    }
    const cancel = clock.setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
