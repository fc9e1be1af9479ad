import type { CommonEvent } from '../event.js'
import type { Decision, PipelineState, Routing, TargetRoute } from '../routing.js'
import type { Silence } from '../silence.js'

/**
 * `silenced`: not sent, because a silence covered it when the worker would have sent it (`muted_by` names it).
 * `held`: routed while its rule's time intervals muted it; summed up in its window's catch-up digest at
 * `next_attempt_at` (`muted_by` names the window). `dropped`: the same with `catch_up: drop`, never sent.
 * `grouped`: held in a group (`in_group`); it goes out inside the group's one delivery (`group_of`), whose status says
 * how that went.
 */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'sent', 'dead', 'dry_run', 'silenced', 'held', 'dropped', 'grouped'] as const
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
  /** On the head of a multi-message send that stopped part way: which parts the robot already confirmed. */
  progress?: DeliveryProgress
  /** On a `silenced` delivery: the id of the silence that held it back; on a `held`/`dropped` one, its window. */
  muted_by?: string
  /**
   * On a catch-up delivery: the id of the mute (a silence) whose held deliveries to this target it summarizes in one
   * digest. It has no event of its own: `event_id` is the newest event it covers.
   */
  catch_up_of?: string
  /** On a `grouped` delivery: the group holding it. */
  in_group?: string
  /**
   * On a group's delivery: the group whose held deliveries it sends as one message (a digest, or the one event's own
   * message). Like a catch-up it is filed under the newest event it covers.
   */
  group_of?: string
  /** On a reminder ("main still failing, for 4 hours"): since when (epoch ms) the pipeline fails. Its event is the last failed run. */
  reminder_since?: number
}

/**
 * How far a send of several messages (a WeCom markdown and its @all text, a digest in parts) got: `uuid` is the
 * send's msgUuid base, `sent` how many of its messages the robot confirmed. The next attempt of the same send skips
 * those, since WeCom has no idempotency key and would show them twice.
 */
export type DeliveryProgress = { uuid: string; sent: number }

/**
 * A robot's rate budget, persisted so it is global across replicas and restarts: the times (epoch ms) of the sends
 * still inside its sliding window (the robots count a sliding 60 s window, not a refilling bucket), and the end of a
 * platform block (DingTalk's 10 minutes after 130101/410100) if one is in force.
 */
export type BucketState = { sends: number[]; blockedUntil?: number }

/** `request` only from getEvent: the headers kept from its webhook, for events stored since migration 7. */
export type StoredEvent = EventParts & { deliveries: Delivery[]; request?: { headers: Record<string, string> } }

/** An event as stored, with its routing: what the worker renders from. */
export type EventParts = { event: CommonEvent; routing: Routing }

export type AcceptInput = {
  event: CommonEvent
  /** The source's idempotency key, unique per source. */
  dedupeKey: string
  /**
   * Pipeline identity for transitions (source|project|branch-or-tag|name); undefined for events without one. A newer
   * finished run ends the pipeline's reminders; a failed one whose routes ask for them (`remind`) starts new ones.
   */
  pipelineKey?: string
  /** Called once, inside the transaction, with the pipeline's previous state. Every target route becomes one
   * `pending` delivery; the worker decides at send time whether a target only logs (dry run). */
  decide: (prev: PipelineState | undefined) => Decision
  /** The webhook headers worth showing with the event (adapters/common/kept-headers.ts); never a credential. */
  headers?: Record<string, string>
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
  /** The events of these ids with their routing, in one read (the worker renders a digest of hundreds); an id not
   * stored (pruned) is absent from the map. */
  eventsFor(ids: string[]): Promise<Map<string, EventParts>>
  /** Newest first. */
  listEvents(limit: number): Promise<StoredEvent[]>

  /** The distinct targets with at least one `pending`/`retrying` delivery whose next_attempt_at <= now. */
  dueTargets(now: number): Promise<string[]>
  /** Every not-yet-sent delivery (pending/retrying), oldest first; for per-target ordering and digests. */
  waitingFor(target: string, limit: number): Promise<Delivery[]>
  /** markSent, markDead, markDryRun and requeue clear `progress`. */
  markSent(ids: number[], at: Date, carrier?: number): Promise<void>
  /** Sets `progress` to `o.progress` (cleared when absent). */
  markRetry(id: number, o: { nextAttemptAt: number; errcode?: number; errmsg: string; progress?: DeliveryProgress }): Promise<void>
  /** Records the parts of a send confirmed so far, on a delivery still waiting (no-op otherwise). */
  markProgress(id: number, progress: DeliveryProgress): Promise<void>
  /** Counts an attempt unless `attempted: false` (the delivery was never sent: a render failure, a removed target). */
  markDead(id: number, o: { errcode?: number; errmsg: string; attempted?: boolean }): Promise<void>
  /** Rendered and logged, not posted (DRY_RUN or a target without webhook). */
  markDryRun(ids: number[], at: Date): Promise<void>
  /** Newest (highest id) first, optionally only one status. */
  listDeliveries(o: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]>
  getDelivery(id: number): Promise<Delivery | undefined>
  /** dead → pending, due at once; `attempts` keeps counting every attempt. False when the id is not a dead delivery. */
  requeue(id: number): Promise<boolean>
  queueStats(): Promise<QueueStats>

  /** Silences: shared by every replica on the store. */
  addSilence(s: Silence): Promise<void>
  getSilence(id: string): Promise<Silence | undefined>
  /** Newest first: those ending after `endedAfter`, and those whose catch-up is still to be queued. */
  listSilences(o: { endedAfter: number }): Promise<Silence[]>
  /** Ends it at `at` if it ends later (an earlier end stays); the silence as it is then, undefined if unknown. */
  expireSilence(id: string, at: number): Promise<Silence | undefined>
  /** pending/retrying → `silenced` by `mutedBy` (a delivery settled meanwhile is left alone). */
  markSilenced(ids: number[], mutedBy: string): Promise<void>
  /** The deliveries to `target` held by `mutedBy`: how many, and the newest `limit` of them in id order. */
  heldFor(mutedBy: string, target: string, limit: number): Promise<{ total: number; deliveries: Delivery[] }>
  /**
   * Claims the catch-up of a silence (by its id) or of a time interval's window (Hold.window) and queues it, in one
   * transaction: one pending catch-up delivery per target that held something. Only the first caller after the mute
   * ended gets the targets; every later one (another replica) gets []. Also [] for a silence without catch_up, a mute
   * not yet ended, or unknown.
   */
  queueCatchUp(muteId: string, at: number): Promise<string[]>
  /** The time intervals' windows (Hold.window) whose catch-up is not queued yet, earliest end first. */
  openWindows(): Promise<Array<{ id: string; ends_at: number }>>

  /**
   * Claims every group due by `at` (group_wait passed) and queues its one delivery, in one transaction: the first
   * caller gets each group, a later one (another replica) does not. Returns the targets queued for.
   */
  flushGroups(at: number): Promise<string[]>
  /** What a group holds, in arrival order (at most `limit`). */
  groupMembers(groupId: string, limit: number): Promise<Delivery[]>
  /**
   * Queues one reminder delivery for every reminder due by `at` and moves it on by its interval (past `at`: missed
   * ones are not made up), in one transaction, exactly once across replicas. Returns the targets queued for.
   */
  queueReminders(at: number): Promise<string[]>
  /**
   * A reminder delivery whose rule no longer asks for it (the rules were reloaded): marks it silenced by `mutedBy`
   * (if it still waits) and ends the reminders of its run to its target, in one transaction. A newer run's reminders
   * of the same pipeline are not touched.
   */
  endReminder(d: Pick<Delivery, 'id' | 'event_id' | 'target'>, mutedBy: string): Promise<void>
  /** The earliest time a group or a reminder falls due; undefined when none waits. */
  nextTimer(): Promise<number | undefined>

  /**
   * Several replicas on one shared store (PostgreSQL): one sender per target at a time. Take or renew the lease on
   * `target` for `leaseMs`; false while another live owner holds it. Per-target order, exactly-once sending and the
   * robot's global rate budget all follow from it. Optional: a single-process store may omit it (always yours).
   */
  leaseTarget?(target: string, owner: string, leaseMs: number, now: number): Promise<boolean>
  releaseTarget?(target: string, owner: string): Promise<void>
  /** The robot's rate budget, shared by all replicas (token bucket state and any platform block). */
  loadBucket?(target: string): Promise<BucketState | undefined>
  saveBucket?(target: string, state: BucketState): Promise<void>

  /** Retention: deletes events received before now - olderThanDays whose deliveries are all finished (sent, dead,
   * dry_run), with those deliveries. An event with a pending/retrying delivery is kept whatever its age. Pipeline
   * state is kept (it is one row per pipeline and transitions need it). Works in batches of up to `batchSize` events
   * (a store default otherwise), each with its deliveries in one short transaction that decides and deletes at once,
   * so concurrent accepts and sends wait at most one batch and an event goes whole or not at all. Resolves with the
   * totals of all batches; once `signal` is aborted it stops after the batch in progress, with the totals so far. */
  prune(olderThanDays: number, now?: Date, o?: { batchSize?: number; signal?: AbortSignal }): Promise<{ events: number; deliveries: number }>

  /** Throws when the store cannot be written. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The delivery queue across every replica on the store: what /api/status and /metrics show. */
export type QueueStats = {
  pending: number
  retrying: number
  dead: number
  oldestPendingAt?: string
  /** Deliveries waiting (pending or retrying) per target; targets with none are absent. */
  waitingByTarget: Record<string, number>
}
