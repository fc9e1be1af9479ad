import pg from 'pg'
import { UnavailableError } from '../errors.js'
import { acceptPg, lockTarget } from './pg-accept.js'
import { leaseTarget, loadBucket, saveBucket } from './pg-coordination.js'
import { migrate } from './pg-migrations.js'
import { pgText, query, transaction } from './pg-query.js'
import {
  catchUpKey,
  catchUpRoute,
  claimCatchUpSql,
  claimWindowSql,
  HELD_BY,
  KEPT,
  openWindowsSql,
  deadCountSql,
  dueTargetsSql,
  heldTargetsSql,
  insertCatchUpSql,
  listSilencesSql,
  queueStatsFrom,
  WAITING,
  silenceWaitingSql,
  waitingStatsSql,
  type WaitingStatsRow,
} from './queries.js'
import { SILENCE_COLUMNS, silenceParams, toDelivery, toEventParts, toSilence, type DeliveryRow, type EventRow, type SilenceRow } from './rows.js'
import { msgUuid } from './msg-uuid.js'
import {
  claimGroupsSql,
  dueGroupTargetsSql,
  dueReminderTargetsSql,
  claimRemindersSql,
  groupUuid,
  insertGroupDeliverySql,
  endReminderSql,
  insertReminderSql,
  nextTimerSql,
  prunedGroupsSql,
  reminderDeliveryParams,
  type ClaimedReminder,
} from './timer-queries.js'
import type { Silence } from '../silence.js'
import type { AcceptInput, AcceptResult, BucketState, Delivery, DeliveryProgress, DeliveryStatus, EventParts, QueueStats, Store, StoredEvent } from './types.js'

const DAY_MS = 86_400_000
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export type PostgresOptions = {
  connectionString: string
  /** Connections per replica (default 10). Every replica opens its own pool: size × replicas ≤ max_connections. */
  poolSize?: number
  /** Tables live in this schema (created if missing) instead of the connection's default search_path. */
  schema?: string
  /** Give up on a connection attempt after this long (default 5 s), so a down database answers 503, not a hang. */
  connectTimeoutMs?: number
  /** Server-side bound on one statement (default 15 s): a stuck database or lock answers 503, not a hung webhook. */
  statementTimeoutMs?: number
  /** Told about errors on idle pooled connections (database restarted); the pool has already dropped them. */
  onIdleError?: (err: Error) => void
}

/**
 * The shared store for several replicas: every replica points at one PostgreSQL and they behave as one instance.
 * Same tables, columns and meanings as the SQLite store (src/store/migrations.ts), plus `target_leases` and
 * `rate_buckets` for the coordination only a shared store needs. Every database failure surfaces as
 * UnavailableError; the pool reconnects by itself when the database comes back.
 */
export class PostgresStore implements Store {
  private closed = false

  private constructor(private readonly pool: pg.Pool) {}

  static async open(o: PostgresOptions): Promise<PostgresStore> {
    if (o.schema !== undefined && !SCHEMA_NAME.test(o.schema)) {
      throw new TypeError(`schema must be a lower-case SQL identifier, got ${JSON.stringify(o.schema)}`)
    }
    if (o.poolSize !== undefined && !(Number.isInteger(o.poolSize) && o.poolSize >= 1)) {
      throw new TypeError(`poolSize must be a whole number of connections, at least 1, got ${o.poolSize}`)
    }
    const pool = new pg.Pool({
      connectionString: o.connectionString,
      max: o.poolSize ?? 10,
      connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
      statement_timeout: o.statementTimeoutMs ?? 15_000,
      // A replica frozen mid-transaction would hold its dedupe and pipeline locks; the server ends it after this.
      idle_in_transaction_session_timeout: 60_000,
      // Names our sessions in pg_stat_activity; an application_name in DATABASE_URL wins.
      fallback_application_name: 'ci-notify',
      // A startup parameter, so every pooled connection (and every reconnect) has it before its first query.
      ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}),
    })
    // Without a listener an idle connection dropped by a database restart would crash the process. The pool has
    // already discarded it; the next query opens a new one, or fails with UnavailableError if the database is down.
    pool.on('error', (err) => o.onIdleError?.(err))
    try {
      await migrate(pool, o.schema)
    } catch (err) {
      await pool.end()
      throw err
    }
    return new PostgresStore(pool)
  }

  async accept(input: AcceptInput): Promise<AcceptResult> {
    return acceptPg(this.pool, input)
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const rows = await query<EventRow>(this.pool, 'SELECT id, event, routing, request FROM events WHERE id = $1', [id])
    return (await this.withDeliveries(rows))[0]
  }

  async eventsFor(ids: string[]): Promise<Map<string, EventParts>> {
    // One round trip for the lot, not one per event.
    const rows = ids.length ? await query<EventRow>(this.pool, 'SELECT id, event, routing FROM events WHERE id = ANY($1::text[])', [ids]) : []
    return new Map(rows.map((r) => [r.id, toEventParts(r)]))
  }

  async listEvents(limit: number): Promise<StoredEvent[]> {
    const rows = await query<EventRow>(this.pool, 'SELECT id, event, routing FROM events ORDER BY id DESC LIMIT $1', [limit])
    return this.withDeliveries(rows)
  }

  async dueTargets(now: number): Promise<string[]> {
    const rows = await query<{ target: string }>(
      this.pool,
      dueTargetsSql('$1'),
      [now],
    )
    return rows.map((r) => r.target)
  }

  async waitingFor(target: string, limit: number): Promise<Delivery[]> {
    return this.deliveries(`WHERE ${WAITING} AND target = $1 ORDER BY id LIMIT $2`, [target, limit])
  }

  async markSent(ids: number[], at: Date, carrier?: number): Promise<void> {
    await query(
      this.pool,
      `UPDATE deliveries SET status = 'sent', sent_at = $2, attempts = attempts + 1, progress = NULL,
         digest_of = CASE WHEN $3::bigint IS NOT NULL AND id <> $3::bigint THEN $3::bigint END
       WHERE id = ANY($1::bigint[])`,
      [ids, at.toISOString(), carrier ?? null],
    )
  }

  async markRetry(id: number, o: { nextAttemptAt: number; errcode?: number; errmsg: string; progress?: DeliveryProgress }): Promise<void> {
    await query(
      this.pool,
      `UPDATE deliveries SET status = 'retrying', attempts = attempts + 1, next_attempt_at = $2, last_errcode = $3,
         last_errmsg = $4, progress = $5 WHERE id = $1`,
      [id, o.nextAttemptAt, o.errcode ?? null, pgText(o.errmsg), o.progress ? JSON.stringify(o.progress) : null],
    )
  }

  async markProgress(id: number, progress: DeliveryProgress): Promise<void> {
    await query(this.pool, `UPDATE deliveries SET progress = $2 WHERE id = $1 AND ${WAITING}`, [id, JSON.stringify(progress)])
  }

  async markDead(id: number, o: { errcode?: number; errmsg: string; attempted?: boolean }): Promise<void> {
    await query(
      this.pool,
      `UPDATE deliveries SET status = 'dead', attempts = attempts + $4, last_errcode = $2, last_errmsg = $3, progress = NULL
       WHERE id = $1`,
      [id, o.errcode ?? null, pgText(o.errmsg), o.attempted === false ? 0 : 1],
    )
  }

  async markDryRun(ids: number[], at: Date): Promise<void> {
    await query(this.pool, `UPDATE deliveries SET status = 'dry_run', sent_at = $2, progress = NULL WHERE id = ANY($1::bigint[])`, [
      ids,
      at.toISOString(),
    ])
  }

  async listDeliveries(o: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]> {
    // The dead letters spelled out: a parameter would not match the partial index that holds them.
    if (o.status === 'dead') return this.deliveries(`WHERE status = 'dead' ORDER BY id DESC LIMIT $1`, [o.limit])
    if (o.status === 'silenced') return this.deliveries(`WHERE status = 'silenced' ORDER BY id DESC LIMIT $1`, [o.limit])
    if (o.status === 'held') return this.deliveries(`WHERE status = 'held' ORDER BY id DESC LIMIT $1`, [o.limit])
    // Likewise the waiting ones, read from the partial index of the backlog.
    if (o.status === 'pending' || o.status === 'retrying') return this.deliveries(`WHERE ${WAITING} AND status = $1 ORDER BY id DESC LIMIT $2`, [o.status, o.limit])
    return o.status
      ? this.deliveries('WHERE status = $1 ORDER BY id DESC LIMIT $2', [o.status, o.limit])
      : this.deliveries('ORDER BY id DESC LIMIT $1', [o.limit])
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    return (await this.deliveries('WHERE id = $1', [id]))[0]
  }

  async requeue(id: number): Promise<boolean> {
    // next_attempt_at 0: due at once, whatever clock the worker runs on.
    const rows = await query(
      this.pool,
      `UPDATE deliveries SET status = 'pending', next_attempt_at = 0, progress = NULL
       WHERE id = $1 AND status = 'dead' RETURNING id`,
      [id],
    )
    return rows.length === 1
  }

  async queueStats(): Promise<QueueStats> {
    const [waiting, [dead]] = await Promise.all([query<WaitingStatsRow>(this.pool, waitingStatsSql), query<{ n: string }>(this.pool, deadCountSql)])
    return queueStatsFrom(waiting, Number(dead.n))
  }

  /**
   * Deletes events older than the retention whose deliveries are all settled (same rule as the SQLite store), in
   * batches, each its own short transaction (pruneBatch), so its row locks are held for one batch, not for the
   * whole backlog. A cursor on (received_at, id) walks the events once.
   */
  async prune(
    olderThanDays: number,
    now: Date = new Date(),
    o: { batchSize?: number; signal?: AbortSignal } = {},
  ): Promise<{ events: number; deliveries: number }> {
    const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS).toISOString()
    const limit = o.batchSize ?? PG_PRUNE_BATCH
    if (!(Number.isInteger(limit) && limit >= 1)) throw new TypeError(`batchSize must be a whole number of events, at least 1, got ${limit}`)
    const total = { events: 0, deliveries: 0 }
    let next: PruneCursor | undefined = { at: '', id: '' }
    while (next && !o.signal?.aborted) {
      const from: PruneCursor = next
      const batch = await transaction(this.pool, (tx) => pruneBatch(tx, cutoff, from, limit))
      total.events += batch.events
      total.deliveries += batch.deliveries
      next = batch.next
    }
    await query(this.pool, prunedGroupsSql('$1::bigint'), [Date.parse(cutoff)])
    return total
  }

  async addSilence(s: Silence): Promise<void> {
    const params = silenceParams(s).map((v) => (typeof v === 'string' ? pgText(v) : v))
    await query(this.pool, `INSERT INTO silences (${SILENCE_COLUMNS}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`, params)
  }

  async getSilence(id: string): Promise<Silence | undefined> {
    const [row] = await query<SilenceRow>(this.pool, 'SELECT * FROM silences WHERE id = $1', [id])
    return row ? toSilence(row) : undefined
  }

  async listSilences(o: { endedAfter: number }): Promise<Silence[]> {
    return (await query<SilenceRow>(this.pool, listSilencesSql('$1'), [o.endedAfter])).map(toSilence)
  }

  async expireSilence(id: string, at: number): Promise<Silence | undefined> {
    await query(this.pool, 'UPDATE silences SET ends_at = $2 WHERE id = $1 AND ends_at > $2', [id, at])
    return this.getSilence(id)
  }

  async markSilenced(ids: number[], mutedBy: string): Promise<void> {
    await query(this.pool, silenceWaitingSql('$2', '= ANY($1::bigint[])'), [ids, mutedBy])
  }

  async heldFor(mutedBy: string, target: string, limit: number): Promise<{ total: number; deliveries: Delivery[] }> {
    const [[count], newest] = await Promise.all([
      query<{ n: string }>(this.pool, `SELECT COUNT(*) AS n FROM deliveries WHERE ${HELD_BY('$1')} AND target = $2`, [mutedBy, target]),
      this.deliveries(`WHERE ${HELD_BY('$1')} AND target = $2 ORDER BY id DESC LIMIT $3`, [mutedBy, target, limit]),
    ])
    return { total: Number(count.n), deliveries: newest.reverse() }
  }

  async queueCatchUp(silenceId: string, at: number): Promise<string[]> {
    return transaction(this.pool, async (tx) => {
      const claimed = [
        ...(await query(tx, claimCatchUpSql('$1', '$2') + ' RETURNING id', [at, silenceId])),
        ...(await query(tx, claimWindowSql('$1', '$2') + ' RETURNING id', [at, silenceId])),
      ]
      if (claimed.length !== 1) return []
      const held = await query<{ target: string; event_id: string }>(tx, heldTargetsSql('$1'), [silenceId])
      const createdAt = new Date(at).toISOString()
      for (const h of held) {
        await query(tx, insertCatchUpSql(['$1', '$2', '$3', '$4', '$5', '$6', '$7']), [
          h.event_id,
          h.target,
          catchUpRoute(h.target),
          msgUuid(catchUpKey(silenceId), h.target),
          at,
          createdAt,
          silenceId,
        ])
      }
      return held.map((h) => h.target)
    })
  }

  async openWindows(): Promise<Array<{ id: string; ends_at: number }>> {
    return (await query<{ id: string; ends_at: string }>(this.pool, openWindowsSql)).map((w) => ({ id: w.id, ends_at: Number(w.ends_at) }))
  }

  async flushGroups(at: number): Promise<string[]> {
    return transaction(this.pool, async (tx) => {
      // The targets' locks first, in name order, then the group rows, as accept takes them: no deadlock with an accept
      // joining a group as it falls due; and per target, delivery ids are committed in id order across replicas.
      const targets = (await query<{ target: string }>(tx, dueGroupTargetsSql('$1::bigint'), [at])).map((r) => r.target)
      for (const t of targets) await lockTarget(tx, t)
      const groups = await query<{ id: string; target: string }>(tx, claimGroupsSql('$1::bigint', '$2::text[]'), [at, targets])
      for (const g of groups) {
        await query(tx, insertGroupDeliverySql({ uuid: '$1::text', at: '$2::bigint', createdAt: '$3::text', group: '$4::text' }), [groupUuid(g.id, g.target), at, new Date(at).toISOString(), g.id])
      }
      return groups.map((g) => g.target)
    })
  }

  async groupMembers(groupId: string, limit: number): Promise<Delivery[]> {
    return this.deliveries('WHERE in_group = $1 ORDER BY id LIMIT $2', [groupId, limit])
  }

  async queueReminders(at: number): Promise<string[]> {
    return transaction(this.pool, async (tx) => {
      // Target locks in name order before the reminder rows, as accept takes them (flushGroups says why).
      const targets = (await query<{ target: string }>(tx, dueReminderTargetsSql('$1::bigint'), [at])).map((r) => r.target)
      for (const t of targets) await lockTarget(tx, t)
      const due = await query<ClaimedReminder>(tx, claimRemindersSql('$1::bigint', '$2::text[]'), [at, targets])
      const queued: string[] = []
      for (const r of due) {
        const rows = await query(tx, insertReminderSql(['$1::text', '$2::text', '$3::text', '$4::text', '$5::bigint', '$6::text', '$7::bigint']) + ' RETURNING id', reminderDeliveryParams(r, at))
        if (rows.length) queued.push(r.target)
      }
      return queued
    })
  }

  async endReminder(d: Pick<Delivery, 'id' | 'event_id' | 'target'>, mutedBy: string): Promise<void> {
    await transaction(this.pool, async (tx) => {
      await query(tx, silenceWaitingSql('$1', '= $2'), [mutedBy, d.id])
      await query(tx, endReminderSql('$1', '$2'), [d.event_id, d.target])
    })
  }

  async nextTimer(): Promise<number | undefined> {
    const [r] = await query<{ t: string | null }>(this.pool, nextTimerSql)
    return r?.t == null ? undefined : Number(r.t)
  }

  async leaseTarget(target: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    return leaseTarget(this.pool, target, owner, now + leaseMs, now)
  }

  async releaseTarget(target: string, owner: string): Promise<void> {
    await query(this.pool, 'DELETE FROM target_leases WHERE target = $1 AND owner = $2', [target, owner])
  }

  async loadBucket(target: string): Promise<BucketState | undefined> {
    return loadBucket(this.pool, target)
  }

  async saveBucket(target: string, state: BucketState): Promise<void> {
    return saveBucket(this.pool, target, state)
  }

  async ping(): Promise<void> {
    const [r] = await query<{ recovery: boolean; read_only: string }>(
      this.pool,
      `SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only`,
    )
    if (r.recovery || r.read_only === 'on') throw new UnavailableError('database is read-only (a standby or read-only mode)')
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }

  private async deliveries(where: string, params: unknown[]): Promise<Delivery[]> {
    return (await query<DeliveryRow>(this.pool, `SELECT * FROM deliveries ${where}`, params)).map(toDelivery)
  }

  private async withDeliveries(rows: EventRow[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return []
    const ds = (
      await query<DeliveryRow>(this.pool, 'SELECT * FROM deliveries WHERE event_id = ANY($1::text[]) ORDER BY id', [
        rows.map((r) => r.id),
      ])
    ).map(toDelivery)
    return rows.map((r) => ({ ...toEventParts(r), deliveries: ds.filter((d) => d.event_id === r.id) }))
  }
}

/** Events per prune transaction: each holds its locks for a bounded time (bench/README.md gives it). */
const PG_PRUNE_BATCH = 1000

type PruneCursor = { at: string; id: string }
/** `next`: where the following batch starts; undefined when this one was the last. */
type PruneBatch = { events: number; deliveries: number; next?: PruneCursor }

/**
 * One prune batch, inside its transaction. The page is read, then its deliveries are locked: FOR UPDATE returns each
 * row as last committed (PostgreSQL re-reads a row changed since the statement's snapshot), so a delivery requeued
 * (dead → pending) since the page was read keeps its event, and a requeue arriving now waits for this commit and then
 * finds nothing to requeue. A catch-up (queueCatchUp) adds a delivery to an event it held; one committed after the
 * lock is spared by the `NOT waiting` below, and then the event's delete fails on the foreign key and the batch rolls
 * back, to be pruned another time: nothing waiting is ever deleted.
 * Deliveries go before their event (the foreign key). `received_at >= $2` is implied by the row comparison but is what
 * lets the received_at index bound the scan.
 */
async function pruneBatch(tx: pg.PoolClient, cutoff: string, after: PruneCursor, limit: number): Promise<PruneBatch> {
  const page = await query<{ id: string; received_at: string }>(
    tx,
    // At most `limit` old events examined per batch, kept or not (see the SQLite store): bounded work and locks even
    // when most old events still have deliveries waiting. Which ones go is decided below, under the row locks.
    `SELECT id, received_at FROM events e
     WHERE received_at < $1 AND received_at >= $2 AND (received_at, id) > ($2, $3)
     ORDER BY received_at, id LIMIT $4`,
    [cutoff, after.at, after.id, limit],
  )
  if (page.length === 0) return { events: 0, deliveries: 0 }
  const cutoffMs = Date.parse(cutoff)
  const locked = await query<{ event_id: string; waiting: boolean }>(
    tx,
    `SELECT event_id, ${KEPT('$2')} AS waiting FROM deliveries WHERE event_id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [page.map((e) => e.id), cutoffMs],
  )
  const keep = new Set(locked.filter((d) => d.waiting).map((d) => d.event_id))
  const doomed = page.map((e) => e.id).filter((id) => !keep.has(id))
  const deliveries = await query(tx, `DELETE FROM deliveries WHERE event_id = ANY($1::text[]) AND NOT ${KEPT('$2')} RETURNING id`, [doomed, cutoffMs])
  const events = await query(tx, 'DELETE FROM events WHERE id = ANY($1::text[]) RETURNING id', [doomed])
  const last = page[page.length - 1]
  return { events: events.length, deliveries: deliveries.length, next: page.length === limit ? { at: last.received_at, id: last.id } : undefined }
}
