import Database from 'better-sqlite3'
import { UnavailableError } from '../errors.js'
import type { PipelineState } from '../routing.js'
import { migrate } from './sqlite-migrate.js'
import type { Checkpointer } from './checkpointer.js'
import type { WalSync } from './wal-sync.js'
import { walWriter, type WalWriterOptions } from './wal-writer.js'
import { msgUuid } from './msg-uuid.js'
import {
  catchUpKey,
  catchUpRoute,
  acceptedAs,
  claimCatchUpSql,
  claimWindowSql,
  HELD_BY,
  KEPT,
  insertWindowSql,
  releaseLateHeldSql,
  windowCaughtUpSql,
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
import {
  claimGroupsSql,
  claimRemindersSql,
  endRemindersSql,
  groupId,
  groupUuid,
  insertGroupDeliverySql,
  insertGroupedSql,
  endReminderSql,
  insertReminderSql,
  joinGroupSql,
  nextTimerSql,
  prunedGroupsSql,
  reminderDeliveryParams,
  reminderParams,
  remindRoutes,
  startReminderSql,
  type ClaimedReminder,
} from './timer-queries.js'
import { requestColumn, SILENCE_COLUMNS, silenceParams, toDelivery, toEventParts, toSilence, type DeliveryRow, type EventRow, type SilenceRow } from './rows.js'
import type { Silence } from '../silence.js'
import type { AcceptInput, AcceptResult, Delivery, DeliveryProgress, DeliveryStatus, EventParts, QueueStats, StoredEvent, Store } from './types.js'

const DAY_MS = 86_400_000

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous; the methods are async only to share
 * the `Store` interface with networked stores.
 *
 * Durability: a 202 promises the event is on disk, and so does a delivery marked sent. SQLite's own fsync
 * (synchronous=FULL) would block the event loop for each commit, so the store runs synchronous=NORMAL and every write
 * that promises anything awaits an fdatasync of the WAL on the thread pool (src/store/wal-sync.ts) before it
 * resolves. Accepts are also group-committed: one transaction and one fsync per batch of concurrent webhooks.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database
  private readonly statements = new Map<string, Database.Statement>()
  /** Accepts waiting for the next group commit (see accept()). */
  private queued: { input: AcceptInput; resolve: (r: AcceptResult) => void; reject: (err: unknown) => void }[] = []
  private readonly wal: WalSync
  private readonly checkpointer: Checkpointer | undefined
  /** The batch straight through; the first accept that throws aborts it (AcceptFailed), rolling it all back. */
  private readonly acceptAll: Database.Transaction<(inputs: AcceptInput[]) => Settled<AcceptResult>[]>
  /** The batch with each accept in a savepoint of its own (a nested better-sqlite3 transaction). */
  private readonly acceptEach: Database.Transaction<(inputs: AcceptInput[]) => Settled<AcceptResult>[]>

  private readonly onClose?: () => void

  /** `fsync` replaces fs.fdatasync of the WAL, for tests that hold or fail it; `onClose` runs once the file is closed. */
  constructor(file: string, o: WalWriterOptions & { busyTimeoutMs?: number; onClose?: () => void } = {}) {
    this.onClose = o.onClose
    this.db = new Database(file, { timeout: o.busyTimeoutMs ?? 5000 })
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    migrate(this.db)
    const writer = walWriter(this.db, o)
    this.wal = writer.wal
    this.checkpointer = writer.checkpointer
    this.acceptAll = this.db.transaction((inputs: AcceptInput[]) =>
      inputs.map((input) => {
        try {
          return { value: this.acceptOne(input) }
        } catch (err) {
          throw new AcceptFailed(err)
        }
      }),
    )
    const inSavepoint = this.db.transaction((input: AcceptInput) => this.acceptOne(input))
    this.acceptEach = this.db.transaction((inputs: AcceptInput[]) => inputs.map((input) => settle(() => inSavepoint(input))))
  }

  /**
   * Group commit: the accepts that arrive while the event loop is busy share one transaction, so one fsync covers
   * them all (better-sqlite3 is synchronous: an fsync per webhook would cap ingest at the disk's sync rate and block
   * the loop each time). Each promise resolves only after the commit that holds its event is synced, so a 202 still
   * means the event is on disk. An accept that fails fails alone (see commitBatch).
   */
  accept(input: AcceptInput): Promise<AcceptResult> {
    const failed = this.wal.failed
    if (failed) return Promise.reject(syncFailed(failed))
    return new Promise((resolve, reject) => {
      this.queued.push({ input, resolve, reject })
      // While the WAL syncs, accepts gather: none of them could be answered before the next sync anyway, and one
      // commit for all costs far less than one each (a commit writes a dozen index pages).
      if (this.queued.length === 1) this.wal.betweenSyncs(() => this.commitQueued())
    })
  }

  private commitQueued(): void {
    const batch = this.queued
    this.queued = []
    let outcomes: Settled<AcceptResult>[]
    try {
      outcomes = this.guard(() => this.commitBatch(batch.map((b) => b.input)))
    } catch (err) {
      for (const b of batch) b.reject(err)
      return
    }
    const settled = outcomes.map((o, i): Settled<AcceptResult> => {
      if ('value' in o) return o
      // Two writers racing on one key: the constraint caught the second one, which is a duplicate.
      const dup = isUniqueViolation(o.error) ? settle(() => this.findDuplicate(batch[i].input)) : undefined
      if (dup && 'value' in dup && dup.value) return { value: { duplicate: true, event_id: dup.value.id } }
      return { error: o.error instanceof Database.SqliteError ? new UnavailableError(`event store unavailable (${o.error.code})`, { cause: o.error }) : o.error }
    })
    // A duplicate's answer also waits: its first copy may be in a commit whose sync is still running.
    // If the sync fails the events are committed but not known to be on disk: no 202. The store then takes nothing
    // until a restart (WalSync.failed); the senders' retries are answered after it, as duplicates where they survived.
    this.durable().then(
      () => settled.forEach((o, i) => ('value' in o ? batch[i].resolve(o.value) : batch[i].reject(o.error))),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    )
  }

  /**
   * One transaction for the batch. IMMEDIATE: the write lock is taken before the dedupe reads, so another process on
   * the same file cannot slip an insert between a check and its write (the UNIQUE constraint backs this up).
   * Straight through first: a savepoint per accept costs a fifth of its time, and an accept almost never fails. When
   * one does, the batch is rolled back and run again with each accept in its own savepoint, so only that one fails.
   * Throws what BEGIN or COMMIT threw (busy, disk full): then the batch as a whole failed.
   */
  private commitBatch(inputs: AcceptInput[]): Settled<AcceptResult>[] {
    try {
      return this.acceptAll.immediate(inputs)
    } catch (err) {
      if (!(err instanceof AcceptFailed)) throw err
      if (inputs.length === 1) return [{ error: err.cause }]
    }
    return this.acceptEach.immediate(inputs)
  }

  private findDuplicate(input: AcceptInput): { id: string } | undefined {
    return this.sql<[string, string], { id: string }>('SELECT id FROM events WHERE source = ? AND dedupe_key = ?').get(input.event.source, input.dedupeKey)
  }

  /** One accept's reads and writes, inside the batch's transaction. */
  private acceptOne(input: AcceptInput): AcceptResult {
    const { event, dedupeKey, pipelineKey, decide } = input
    const dup = this.findDuplicate(input)
    if (dup) return { duplicate: true, event_id: dup.id }
    const prevRow = pipelineKey ? this.sql<[string], { state: string }>('SELECT state FROM pipeline_state WHERE pipeline_key = ?').get(pipelineKey) : undefined
    const prev: PipelineState | undefined = prevRow ? JSON.parse(prevRow.state) : undefined
    const decision = decide(prev)
    this.sql('INSERT INTO events (id, source, dedupe_key, received_at, event, routing, request) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      event.id,
      event.source,
      dedupeKey,
      event.received_at,
      JSON.stringify(event),
      JSON.stringify(decision.routing),
      requestColumn(input),
    )
    const insert = this.sql(
      `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, muted_by)
       VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`,
    )
    const due = Date.parse(event.received_at) || 0
    for (const route of decision.routing.targets) {
      const uuid = msgUuid(event.id, route.target)
      // A route held by its time intervals is stored held (its catch-up sums it up); otherwise a grouped one joins its group.
      if (route.hold || !route.group) {
        const as = acceptedAs(route, due)
        insert.run(event.id, route.target, as.status, JSON.stringify(route), uuid, as.due, event.received_at, as.mutedBy)
        if (as.status === 'held') {
          this.sql(insertWindowSql('?', '?')).run(as.mutedBy, as.due)
          const caughtUp = this.sql<unknown[], number | null>(windowCaughtUpSql('?', false)).pluck().get(as.mutedBy)
          // (? binds in the text's order: the due time comes first)
          if (caughtUp != null) this.sql(releaseLateHeldSql('?', '?', '?')).run(due, event.id, as.mutedBy)
        }
        continue
      }
      const g = route.group
      const group = this.sql<unknown[], string>(joinGroupSql(['?', '?', '?', '?', '?', '?'])).pluck().get(groupId(event.id, route.target), g.rule, g.key, route.target, due, due + g.wait_ms)
      this.sql(insertGroupedSql(['?', '?', '?', '?', '?', '?', '?'])).run(event.id, route.target, JSON.stringify(route), uuid, due, event.received_at, group)
    }
    if (pipelineKey && decision.state) {
      this.sql(endRemindersSql('?')).run(pipelineKey)
      for (const r of remindRoutes(decision.routing, true)) {
        this.sql(startReminderSql(['?', '?', '?', '?', '?', '?', '?', '?'])).run(...reminderParams(pipelineKey, r, event.id, due, decision.state.failing_since))
      }
      this.sql(
        `INSERT INTO pipeline_state (pipeline_key, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (pipeline_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ).run(pipelineKey, JSON.stringify(decision.state), event.received_at)
    }
    return { duplicate: false, event_id: event.id, routing: decision.routing }
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    return this.guard(() => {
      const row = this.sql<[string], EventRow>('SELECT id, event, routing, request FROM events WHERE id = ?').get(id)
      return row ? this.withDeliveries([row])[0] : undefined
    })
  }

  async eventsFor(ids: string[]): Promise<Map<string, EventParts>> {
    return this.guard(() => {
      const found = new Map<string, EventParts>()
      // One statement per chunk of up to 100 ids (prepared once per size, like withDeliveries').
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = ids.slice(i, i + 100)
        const rows = this.sql<string[], EventRow>(`SELECT id, event, routing FROM events WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk)
        for (const r of rows) found.set(r.id, toEventParts(r))
      }
      return found
    })
  }

  async listEvents(limit: number): Promise<StoredEvent[]> {
    return this.guard(() =>
      this.withDeliveries(this.sql<[number], EventRow>('SELECT id, event, routing FROM events ORDER BY id DESC LIMIT ?').all(limit)),
    )
  }

  async dueTargets(now: number): Promise<string[]> {
    return this.guard(() =>
      this.sql<[number], string>(dueTargetsSql('?'))
        .pluck()
        .all(now),
    )
  }

  async waitingFor(target: string, limit: number): Promise<Delivery[]> {
    return this.deliveries(`WHERE ${WAITING} AND target = ? ORDER BY id LIMIT ?`, target, limit)
  }

  async markSent(ids: number[], at: Date, carrier?: number): Promise<void> {
    await this.write(() => {
      const stmt = this.sql(`UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, digest_of = ?, progress = NULL WHERE id = ?`)
      for (const id of ids) stmt.run(at.toISOString(), carrier !== undefined && carrier !== id ? carrier : null, id)
    })
  }

  async markRetry(id: number, o: { nextAttemptAt: number; errcode?: number; errmsg: string; progress?: DeliveryProgress }): Promise<void> {
    await this.write(() =>
      this.sql(
          `UPDATE deliveries SET status = 'retrying', attempts = attempts + 1, next_attempt_at = ?, last_errcode = ?, last_errmsg = ?, progress = ? WHERE id = ?`,
        )
        .run(o.nextAttemptAt, o.errcode ?? null, o.errmsg, o.progress ? JSON.stringify(o.progress) : null, id),
    )
  }

  async markProgress(id: number, progress: DeliveryProgress): Promise<void> {
    await this.write(() => this.sql(`UPDATE deliveries SET progress = ? WHERE id = ? AND ${WAITING}`).run(JSON.stringify(progress), id))
  }

  async markDead(id: number, o: { errcode?: number; errmsg: string; attempted?: boolean }): Promise<void> {
    await this.write(() =>
      this.sql(`UPDATE deliveries SET status = 'dead', attempts = attempts + ?, last_errcode = ?, last_errmsg = ?, progress = NULL WHERE id = ?`)
        .run(o.attempted === false ? 0 : 1, o.errcode ?? null, o.errmsg, id),
    )
  }

  async markDryRun(ids: number[], at: Date): Promise<void> {
    await this.write(() => {
      const stmt = this.sql(`UPDATE deliveries SET status = 'dry_run', sent_at = ?, progress = NULL WHERE id = ?`)
      for (const id of ids) stmt.run(at.toISOString(), id)
    })
  }

  async listDeliveries(o: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]> {
    // The dead letters spelled out: a parameter would not match the partial index that holds them.
    if (o.status === 'dead') return this.deliveries(`WHERE status = 'dead' ORDER BY id DESC LIMIT ?`, o.limit)
    if (o.status === 'silenced') return this.deliveries(`WHERE status = 'silenced' ORDER BY id DESC LIMIT ?`, o.limit)
    if (o.status === 'held') return this.deliveries(`WHERE status = 'held' ORDER BY id DESC LIMIT ?`, o.limit)
    // Likewise the waiting ones, read from the partial index of the backlog.
    // (SQLite's planner would rather walk the whole table backwards by id, hence INDEXED BY.)
    if (o.status === 'pending' || o.status === 'retrying') return this.deliveries(`INDEXED BY deliveries_waiting WHERE ${WAITING} AND status = ? ORDER BY id DESC LIMIT ?`, o.status, o.limit)
    return o.status
      ? this.deliveries('WHERE status = ? ORDER BY id DESC LIMIT ?', o.status, o.limit)
      : this.deliveries('ORDER BY id DESC LIMIT ?', o.limit)
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    return this.deliveries('WHERE id = ?', id)[0]
  }

  async requeue(id: number): Promise<boolean> {
    // next_attempt_at 0: due at once, whatever clock the worker runs on.
    const r = await this.write(() =>
      this.sql(`UPDATE deliveries SET status = 'pending', next_attempt_at = 0, progress = NULL WHERE id = ? AND status = 'dead'`).run(id),
    )
    return r.changes === 1
  }

  async queueStats(): Promise<QueueStats> {
    return this.guard(() =>
      queueStatsFrom(this.sql<[], WaitingStatsRow>(waitingStatsSql).all(), this.sql<[], { n: number }>(deadCountSql).get()?.n ?? 0),
    )
  }

  async addSilence(s: Silence): Promise<void> {
    await this.write(() => this.sql(`INSERT INTO silences (${SILENCE_COLUMNS}) VALUES (${silenceParams(s).map(() => '?').join(', ')})`).run(...silenceParams(s)))
  }

  async getSilence(id: string): Promise<Silence | undefined> {
    return this.guard(() => {
      const row = this.sql<[string], SilenceRow>('SELECT * FROM silences WHERE id = ?').get(id)
      return row ? toSilence(row) : undefined
    })
  }

  async listSilences(o: { endedAfter: number }): Promise<Silence[]> {
    return this.guard(() => this.sql<[number], SilenceRow>(listSilencesSql('?')).all(o.endedAfter).map(toSilence))
  }

  async expireSilence(id: string, at: number): Promise<Silence | undefined> {
    await this.write(() => this.sql('UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?').run(at, id, at))
    return this.getSilence(id)
  }

  async markSilenced(ids: number[], mutedBy: string): Promise<void> {
    await this.write(() => {
      const stmt = this.sql(silenceWaitingSql('?', '= ?'))
      for (const id of ids) stmt.run(mutedBy, id)
    })
  }

  async heldFor(mutedBy: string, target: string, limit: number): Promise<{ total: number; deliveries: Delivery[] }> {
    const total = this.guard(() => this.sql<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM deliveries WHERE ${HELD_BY('?')} AND target = ?`).get(mutedBy, target)?.n ?? 0)
    const newest = this.deliveries(`WHERE ${HELD_BY('?')} AND target = ? ORDER BY id DESC LIMIT ?`, mutedBy, target, limit)
    return { total, deliveries: newest.reverse() }
  }

  async queueCatchUp(silenceId: string, at: number): Promise<string[]> {
    return this.write(() => {
      const claimed = this.sql(claimCatchUpSql('@at', '@id')).run({ at, id: silenceId }).changes + this.sql(claimWindowSql('@at', '@id')).run({ at, id: silenceId }).changes
      if (claimed !== 1) return []
      const held = this.sql<[string], { target: string; event_id: string }>(heldTargetsSql('?')).all(silenceId)
      const insert = this.sql(insertCatchUpSql(['?', '?', '?', '?', '?', '?', '?']))
      const createdAt = new Date(at).toISOString()
      for (const h of held) insert.run(h.event_id, h.target, catchUpRoute(h.target), msgUuid(catchUpKey(silenceId), h.target), at, createdAt, silenceId)
      return held.map((h) => h.target)
    })
  }

  async openWindows(): Promise<Array<{ id: string; ends_at: number }>> {
    return this.guard(() => this.sql<[], { id: string; ends_at: number }>(openWindowsSql).all())
  }

  async flushGroups(at: number): Promise<string[]> {
    return this.write(() => {
      const groups = this.sql<[{ at: number }], { id: string; target: string }>(claimGroupsSql('@at')).all({ at })
      const createdAt = new Date(at).toISOString()
      for (const g of groups) {
        this.sql(insertGroupDeliverySql({ uuid: '@uuid', at: '@at', createdAt: '@createdAt', group: '@group' })).run({ uuid: groupUuid(g.id, g.target), at, createdAt, group: g.id })
      }
      return groups.map((g) => g.target)
    })
  }

  async groupMembers(groupId: string, limit: number): Promise<Delivery[]> {
    return this.deliveries('WHERE in_group = ? ORDER BY id LIMIT ?', groupId, limit)
  }

  async queueReminders(at: number): Promise<string[]> {
    return this.write(() => {
      const due = this.sql<[{ at: number }], ClaimedReminder>(claimRemindersSql('@at')).all({ at })
      // Named: the event id comes last in the statement's text, first in the parameters.
      const names = ['@e', '@t', '@r', '@u', '@at', '@c', '@s']
      const insert = this.sql(insertReminderSql(names))
      const run = (r: ClaimedReminder) => insert.run(Object.fromEntries(reminderDeliveryParams(r, at).map((v, i) => [names[i].slice(1), v]))).changes === 1
      return due.filter(run).map((r) => r.target)
    })
  }

  async endReminder(d: Pick<Delivery, 'id' | 'event_id' | 'target'>, mutedBy: string): Promise<void> {
    await this.write(() => {
      this.sql(silenceWaitingSql('?', '= ?')).run(mutedBy, d.id)
      this.sql(endReminderSql('?', '?')).run(d.event_id, d.target)
    })
  }

  async nextTimer(): Promise<number | undefined> {
    const t = this.guard(() => this.sql<[], { t: number | null }>(nextTimerSql).get()?.t)
    return t == null ? undefined : Number(t)
  }

  async prune(
    olderThanDays: number,
    now: Date = new Date(),
    o: { batchSize?: number; signal?: AbortSignal } = {},
  ): Promise<{ events: number; deliveries: number }> {
    const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS).toISOString()
    const limit = o.batchSize ?? SQLITE_PRUNE_BATCH
    if (!(Number.isInteger(limit) && limit >= 1)) throw new TypeError(`batchSize must be a whole number of events, at least 1, got ${limit}`)
    // A batch examines at most `limit` old events and deletes those with nothing waiting: bounded work per batch even
    // when most old events are kept (a robot down for days with its backlog), instead of a search for `limit`
    // deletable ones that may read every event in one go.
    const page = this.sql<[{ cutoff: string; cutoffMs: number; at: string; rowid: number; limit: number }], { rowid: number; id: string; received_at: string; waiting: number }>(
      `SELECT rowid, id, received_at, EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND ${KEPT('@cutoffMs')}) AS waiting FROM events e
       WHERE received_at < @cutoff AND (received_at, rowid) > (@at, @rowid)
       ORDER BY received_at, rowid LIMIT @limit`,
    )
    const dropDeliveries = this.sql<[string]>('DELETE FROM deliveries WHERE event_id = ?')
    const dropEvent = this.sql<[string]>('DELETE FROM events WHERE id = ?')
    const total = { events: 0, deliveries: 0 }
    let cursor = { at: '', rowid: 0 }
    while (!o.signal?.aborted) {
      const rows = this.guard(() =>
        this.db
          .transaction(() => {
            const rows = page.all({ cutoff, cutoffMs: Date.parse(cutoff), ...cursor, limit })
            const doomed = rows.filter((r) => !r.waiting)
            for (const r of doomed) total.deliveries += dropDeliveries.run(r.id).changes
            for (const r of doomed) total.events += dropEvent.run(r.id).changes
            return rows
          })
          .immediate(),
      )
      if (rows.length < limit) break
      cursor = { at: rows[limit - 1].received_at, rowid: rows[limit - 1].rowid }
      await nextTurn()
    }
    this.guard(() => this.sql(prunedGroupsSql('?')).run(Date.parse(cutoff)))
    return total
  }

  async ping(): Promise<void> {
    const failed = this.wal.failed
    if (failed) throw syncFailed(failed)
    // Taking the write lock proves the file is writable and not held by a stuck writer.
    this.guard(() => {
      this.db.exec('BEGIN IMMEDIATE')
      this.db.exec('ROLLBACK')
    })
  }

  async close(): Promise<void> {
    if (this.db.open) await this.checkpointer?.stop()
    await this.wal.close()
    if (this.db.open) this.db.close()
    this.onClose?.()
  }

  private deliveries(where: string, ...params: unknown[]): Delivery[] {
    return this.guard(() => this.sql<unknown[], DeliveryRow>(`SELECT * FROM deliveries ${where}`).all(...params).map(toDelivery))
  }

  private withDeliveries(rows: EventRow[]): StoredEvent[] {
    if (rows.length === 0) return []
    // Cached like every statement, one per number of rows (an API page is at most 500): preparing costs more than
    // running.
    const ds = this.sql<string[], DeliveryRow>(`SELECT * FROM deliveries WHERE event_id IN (${rows.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...rows.map((r) => r.id))
      .map(toDelivery)
    return rows.map((r) => ({ ...toEventParts(r), deliveries: ds.filter((d) => d.event_id === r.id) }))
  }

  /** Prepared once per SQL text: preparing costs more than running these small statements. */
  private sql<P extends unknown[] = unknown[], R = unknown>(text: string): Database.Statement<P, R> {
    let st = this.statements.get(text)
    if (!st) {
      st = this.db.prepare(text)
      this.statements.set(text, st)
    }
    return st as unknown as Database.Statement<P, R>
  }

  /** One write transaction, resolved once it is on disk (see WalSync). */
  private async write<T>(fn: () => T): Promise<T> {
    const result = this.guard(() => this.db.transaction(fn).immediate())
    await this.durable()
    return result
  }

  private async durable(): Promise<void> {
    try {
      await this.wal.flush()
    } catch (err) {
      throw this.wal.failed ? syncFailed(this.wal.failed) : new UnavailableError(`event store could not sync to disk (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err })
    }
  }

  /** SQLite failures (busy, disk full, read-only, closed) become UnavailableError: the caller answers 503 or retries. */
  private guard<T>(fn: () => T): T {
    if (!this.db.open) throw new UnavailableError('event store is closed')
    try {
      return fn()
    } catch (err) {
      if (err instanceof Database.SqliteError) throw new UnavailableError(`event store unavailable (${err.code})`, { cause: err })
      throw err
    }
  }
}

/** The outcome of one accept inside the group: a value, or the error that rolled its savepoint back. */
type Settled<T> = { value: T } | { error: unknown }

function settle<T>(fn: () => T): Settled<T> {
  try {
    return { value: fn() }
  } catch (error) {
    return { error }
  }
}

/** An accept threw inside the straight-through batch (see commitBatch); `cause` is what it threw. */
class AcceptFailed extends Error {
  constructor(cause: unknown) {
    super('an accept failed inside its batch', { cause })
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE'
}

/** Events per prune transaction (with their deliveries): each blocks the event loop once, for a time bench/README.md
 * gives; fewer would not shorten the checkpoints, which copy ~1000 pages whatever the batch. */
const SQLITE_PRUNE_BATCH = 1000

/** Resolves after the event loop has polled for I/O: requests that arrived meanwhile are served first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** After a failed fsync nothing written since can be trusted to be on disk (WalSync.failed): only a restart helps. */
function syncFailed(cause: Error): UnavailableError {
  const code = (cause as NodeJS.ErrnoException).code ?? cause.message
  return new UnavailableError(`event store could not sync to disk (${code}); restart ci-notify once the disk is fixed`, { cause })
}
