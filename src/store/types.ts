import type { CommonEvent } from '../event.js'
import type { PipelineState, Routing, TargetRoute } from '../../rules/types.js'

export const DELIVERY_STATUSES = ['pending', 'retrying', 'sent', 'dead', 'dry_run'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

export type Delivery = {
  id: number
  event_id: string
  target: string
  status: DeliveryStatus
  route: TargetRoute
  /** Stable per delivery: DingTalk `msgUuid`, so a resend after a crash is not shown twice. */
  msg_uuid: string
  attempts: number
  /** Epoch ms: not before this. */
  next_attempt_at: number
  created_at: string
  sent_at?: string
  last_errcode?: number
  last_errmsg?: string
  /** Set when the delivery went out inside a digest: the id of the delivery whose send carried it. */
  digest_of?: number
}

export type StoredEvent = {
  event: CommonEvent
  routing: Routing
  deliveries: Delivery[]
}

/** What the ingest path decides, given the pipeline's previous state; pure, runs inside the store's transaction. */
export type Decision = {
  routing: Routing
  /** New state for the pipeline, or undefined to leave it (not finished, or older than what we have). */
  state?: PipelineState
}

export type AcceptInput = {
  event: CommonEvent
  /** The source's idempotency key, unique per source. */
  dedupeKey: string
  /** Pipeline identity for transitions (source|project|branch-or-tag|name); undefined for events without one. */
  pipelineKey?: string
  /** Called once, inside the transaction, with the pipeline's previous state. */
  decide: (prev: PipelineState | undefined) => Decision
  /** Deliveries start in this status: `pending`, or `dry_run` for targets that only log. */
  initialStatus: (route: TargetRoute) => 'pending' | 'dry_run'
}

export type AcceptResult = { duplicate: false; event_id: string; routing: Routing } | { duplicate: true; event_id: string }

/**
 * The one stateful piece besides the worker. Everything is async so a networked store (PostgreSQL) fits the same
 * interface. Implementations: src/store/sqlite.ts (embedded default).
 */
export interface Store {
  /** Dedupe, read pipeline state, decide, then insert event + routing + one delivery per target, in one transaction. */
  accept(input: AcceptInput): Promise<AcceptResult>
  getEvent(id: string): Promise<StoredEvent | undefined>
  /** Newest first. */
  listEvents(limit: number): Promise<StoredEvent[]>

  /** Deliveries in `pending`/`retrying` with next_attempt_at <= now, oldest (lowest id) first. */
  dueDeliveries(now: number, limit: number): Promise<Delivery[]>
  /** Every not-yet-sent delivery (pending/retrying), oldest first; for per-target ordering and digests. */
  waitingFor(target: string, limit: number): Promise<Delivery[]>
  markSent(ids: number[], at: Date, carrier?: number): Promise<void>
  markRetry(id: number, o: { nextAttemptAt: number; errcode?: number; errmsg: string }): Promise<void>
  markDead(id: number, o: { errcode?: number; errmsg: string }): Promise<void>
  listDeliveries(o: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]>
  /** dead → pending, attempts reset. False when the id is not a dead delivery. */
  requeue(id: number): Promise<boolean>
  queueStats(): Promise<{ pending: number; retrying: number; dead: number; oldestPendingAt?: string }>

  /** Throws when the store cannot be written. */
  ping(): Promise<void>
  close(): Promise<void>
}
