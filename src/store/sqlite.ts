import Database from 'better-sqlite3'
import { UnavailableError } from '../errors.js'
import type { PipelineState } from '../../rules/types.js'
import { migrate } from './sqlite-migrate.js'
import { msgUuid } from './msg-uuid.js'
import { toDelivery, toEventParts, type DeliveryRow, type EventRow } from './rows.js'
import type { AcceptInput, AcceptResult, Delivery, DeliveryProgress, DeliveryStatus, StoredEvent, Store } from './types.js'

const WAITING = `status IN ('pending', 'retrying')`
const DAY_MS = 86_400_000

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous; the methods are async only to share
 * the `Store` interface with networked stores.
 *
 * synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss (not on a process crash). A 202
 * promises the event is durable, so every commit is fsynced; at webhook rates the one fsync per accept is cheap.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database

  constructor(file: string, o: { busyTimeoutMs?: number } = {}) {
    this.db = new Database(file, { timeout: o.busyTimeoutMs ?? 5000 })
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    migrate(this.db)
  }

  async accept(input: AcceptInput): Promise<AcceptResult> {
    const { event, dedupeKey, pipelineKey, decide } = input
    const findDuplicate = () =>
      this.db.prepare<[string, string], { id: string }>('SELECT id FROM events WHERE source = ? AND dedupe_key = ?').get(event.source, dedupeKey)
    // IMMEDIATE: take the write lock before the dedupe read, so another process on the same file cannot slip an
    // insert between our check and our write (the UNIQUE constraint backs this up).
    const tx = this.db.transaction((): AcceptResult => {
      const dup = findDuplicate()
      if (dup) return { duplicate: true, event_id: dup.id }
      const prevRow = pipelineKey
        ? this.db.prepare<[string], { state: string }>('SELECT state FROM pipeline_state WHERE pipeline_key = ?').get(pipelineKey)
        : undefined
      const prev: PipelineState | undefined = prevRow ? JSON.parse(prevRow.state) : undefined
      const decision = decide(prev)
      this.db
        .prepare('INSERT INTO events (id, source, dedupe_key, received_at, event, routing) VALUES (?, ?, ?, ?, ?, ?)')
        .run(event.id, event.source, dedupeKey, event.received_at, JSON.stringify(event), JSON.stringify(decision.routing))
      const insert = this.db.prepare(
        `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at)
         VALUES (?, ?, 'pending', ?, ?, 0, ?, ?)`,
      )
      const due = Date.parse(event.received_at) || 0
      for (const route of decision.routing.targets) {
        insert.run(event.id, route.target, JSON.stringify(route), msgUuid(event.id, route.target), due, event.received_at)
      }
      if (pipelineKey && decision.state) {
        this.db
          .prepare(
            `INSERT INTO pipeline_state (pipeline_key, state, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (pipeline_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
          )
          .run(pipelineKey, JSON.stringify(decision.state), event.received_at)
      }
      return { duplicate: false, event_id: event.id, routing: decision.routing }
    })
    try {
      return this.guard(() => tx.immediate())
    } catch (err) {
      // Two writers racing on one key: the constraint caught the second one, which is a duplicate.
      const dup = err instanceof UnavailableError && isUniqueViolation(err.cause) ? this.guard(findDuplicate) : undefined
      if (dup) return { duplicate: true, event_id: dup.id }
      throw err
    }
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    return this.guard(() => {
      const row = this.db.prepare<[string], EventRow>('SELECT id, event, routing FROM events WHERE id = ?').get(id)
      return row ? this.withDeliveries([row])[0] : undefined
    })
  }

  async listEvents(limit: number): Promise<StoredEvent[]> {
    return this.guard(() =>
      this.withDeliveries(this.db.prepare<[number], EventRow>('SELECT id, event, routing FROM events ORDER BY id DESC LIMIT ?').all(limit)),
    )
  }

  async dueTargets(now: number): Promise<string[]> {
    return this.guard(() =>
      this.db
        .prepare<[number], string>(`SELECT target FROM deliveries WHERE ${WAITING} AND next_attempt_at <= ? GROUP BY target ORDER BY target`)
        .pluck()
        .all(now),
    )
  }

  async waitingFor(target: string, limit: number): Promise<Delivery[]> {
    return this.deliveries(`WHERE ${WAITING} AND target = ? ORDER BY id LIMIT ?`, target, limit)
  }

  async markSent(ids: number[], at: Date, carrier?: number): Promise<void> {
    this.write(() => {
      const stmt = this.db.prepare(`UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, digest_of = ?, progress = NULL WHERE id = ?`)
      for (const id of ids) stmt.run(at.toISOString(), carrier !== undefined && carrier !== id ? carrier : null, id)
    })
  }

  async markRetry(id: number, o: { nextAttemptAt: number; errcode?: number; errmsg: string; progress?: DeliveryProgress }): Promise<void> {
    this.write(() =>
      this.db
        .prepare(
          `UPDATE deliveries SET status = 'retrying', attempts = attempts + 1, next_attempt_at = ?, last_errcode = ?, last_errmsg = ?, progress = ? WHERE id = ?`,
        )
        .run(o.nextAttemptAt, o.errcode ?? null, o.errmsg, o.progress ? JSON.stringify(o.progress) : null, id),
    )
  }

  async markProgress(id: number, progress: DeliveryProgress): Promise<void> {
    this.write(() => this.db.prepare(`UPDATE deliveries SET progress = ? WHERE id = ? AND ${WAITING}`).run(JSON.stringify(progress), id))
  }

  async markDead(id: number, o: { errcode?: number; errmsg: string }): Promise<void> {
    this.write(() =>
      this.db
        .prepare(`UPDATE deliveries SET status = 'dead', attempts = attempts + 1, last_errcode = ?, last_errmsg = ?, progress = NULL WHERE id = ?`)
        .run(o.errcode ?? null, o.errmsg, id),
    )
  }

  async markDryRun(ids: number[], at: Date): Promise<void> {
    this.write(() => {
      const stmt = this.db.prepare(`UPDATE deliveries SET status = 'dry_run', sent_at = ?, progress = NULL WHERE id = ?`)
      for (const id of ids) stmt.run(at.toISOString(), id)
    })
  }

  async listDeliveries(o: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]> {
    return o.status
      ? this.deliveries('WHERE status = ? ORDER BY id DESC LIMIT ?', o.status, o.limit)
      : this.deliveries('ORDER BY id DESC LIMIT ?', o.limit)
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    return this.deliveries('WHERE id = ?', id)[0]
  }

  async requeue(id: number): Promise<boolean> {
    // next_attempt_at 0: due at once, whatever clock the worker runs on.
    const r = this.write(() =>
      this.db.prepare(`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = 0, progress = NULL WHERE id = ? AND status = 'dead'`).run(id),
    )
    return r.changes === 1
  }

  async queueStats(): Promise<{ pending: number; retrying: number; dead: number; oldestPendingAt?: string }> {
    return this.guard(() => {
      const counts = this.db
        .prepare<[], { status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'retrying', 'dead') GROUP BY status`)
        .all()
      const n = (s: string) => counts.find((c) => c.status === s)?.n ?? 0
      const oldest = this.db.prepare<[], { at: string | null }>(`SELECT MIN(created_at) AS at FROM deliveries WHERE ${WAITING}`).get()
      return { pending: n('pending'), retrying: n('retrying'), dead: n('dead'), ...(oldest?.at ? { oldestPendingAt: oldest.at } : {}) }
    })
  }

  async prune(olderThanDays: number, now: Date = new Date()): Promise<{ events: number; deliveries: number }> {
    const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS).toISOString()
    const old = `SELECT id FROM events e WHERE received_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.${WAITING})`
    return this.write(() => {
      const deliveries = this.db.prepare(`DELETE FROM deliveries WHERE event_id IN (${old})`).run(cutoff).changes
      const events = this.db.prepare(`DELETE FROM events WHERE id IN (${old})`).run(cutoff).changes
      return { events, deliveries }
    })
  }

  async ping(): Promise<void> {
    // Taking the write lock proves the file is writable and not held by a stuck writer.
    this.guard(() => {
      this.db.exec('BEGIN IMMEDIATE')
      this.db.exec('ROLLBACK')
    })
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }

  private deliveries(where: string, ...params: unknown[]): Delivery[] {
    return this.guard(() => this.db.prepare<unknown[], DeliveryRow>(`SELECT * FROM deliveries ${where}`).all(...params).map(toDelivery))
  }

  private withDeliveries(rows: EventRow[]): StoredEvent[] {
    if (rows.length === 0) return []
    const ds = this.db
      .prepare<string[], DeliveryRow>(`SELECT * FROM deliveries WHERE event_id IN (${rows.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...rows.map((r) => r.id))
      .map(toDelivery)
    return rows.map((r) => ({ ...toEventParts(r), deliveries: ds.filter((d) => d.event_id === r.id) }))
  }

  private write<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn).immediate())
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

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE'
}
