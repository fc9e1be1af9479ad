import { existsSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UnavailableError } from '../../src/errors.js'
import { defaultSettings } from '../../src/settings/settings.js'
import { LATEST_VERSION, migrations } from '../../src/store/migrations.js'
import { openStore } from '../../src/store/open.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { PAGE_CACHE_KIB } from '../../src/store/wal-writer.js'
import { WalSync, type SyncFn } from '../../src/store/wal-sync.js'
import { startCheckpointer } from '../../src/store/checkpointer.js'
import { deadCountSql, dueTargetsSql, WAITING } from '../../src/store/queries.js'
import { storeContract } from './contract.js'
import { acceptInput, sampleEvent } from './sample.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ci-notify-store-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

storeContract(
  'SQLite',
  async () => new SqliteStore(':memory:'),
  async () => {
    const dir = tempDir()
    return { open: async () => new SqliteStore(join(dir, 'ci-notify.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
  },
)

/** A database file at an older schema `version`, holding one event (its deliveries are the test's to add). */
function olderFile(version: number) {
  const file = join(tempDir(), `v${version}.db`)
  const db = new Database(file)
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
  for (const m of migrations.filter((m) => m.version <= version)) {
    for (const sql of m.sql) db.exec(sql)
    db.prepare('INSERT INTO schema_version VALUES (?)').run(m.version)
  }
  const event = sampleEvent()
  db.prepare(`INSERT INTO events (id, source, dedupe_key, received_at, event, routing) VALUES (?, 'gitlab', 'k', ?, ?, '{"transition":null,"matched":[],"targets":[],"unresolved":[]}')`).run(
    event.id,
    event.received_at,
    JSON.stringify(event),
  )
  return { file, db, event }
}

describe('SqliteStore specifics', () => {
  it('opens ci-notify.db in DATA_DIR, creating the folder, in WAL mode (synchronous=NORMAL: it fsyncs the WAL itself), with a page cache smaller than the driver\'s', async () => {
    const dataDir = join(tempDir(), 'nested', 'data')
    const store = await openStore(defaultSettings({ dataDir }))
    await store.close()
    const file = join(dataDir, 'ci-notify.db')
    expect(existsSync(file)).toBe(true)
    const db = new Database(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').all()).toEqual(migrations.map((m) => ({ version: m.version })))
    db.close()
    const direct = new SqliteStore(file)
    const own = (direct as unknown as { db: Database.Database }).db
    expect(own.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    // Its page cache is set smaller than the driver's build default (a negative cache_size is in KiB).
    const plain = new Database(':memory:')
    expect(own.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB)
    expect(PAGE_CACHE_KIB).toBeLessThan(-(plain.pragma('cache_size', { simple: true }) as number))
    plain.close()
    await direct.close()
  })

  it('applies migrations once across reopens', async () => {
    const file = join(tempDir(), 'x.db')
    await new SqliteStore(file).close()
    await new SqliteStore(file).close()
    const db = new Database(file)
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: migrations.length })
    db.close()
  })

  it('applies a version below the highest that is not recorded yet (branches merged out of order)', async () => {
    const file = join(tempDir(), 'x.db')
    await new SqliteStore(file).close()
    const db = new Database(file)
    // As if the file had been migrated before version 4 existed: 4's tables absent, 4 not recorded, higher ones are.
    db.exec('DROP TABLE silences; DELETE FROM schema_version WHERE version = 4')
    db.exec('DROP INDEX deliveries_muted; DROP INDEX deliveries_silenced; ALTER TABLE deliveries DROP COLUMN muted_by; ALTER TABLE deliveries DROP COLUMN catch_up_of')
    db.close()
    await new SqliteStore(file).close()
    const again = new Database(file)
    expect(again.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b))
    expect(again.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'silences'`).get()).toEqual({ n: 1 })
    again.close()
    expect(LATEST_VERSION).toBe(Math.max(...migrations.map((m) => m.version)))
  })

  it('refuses a database written by a newer version', () => {
    const file = join(tempDir(), 'x.db')
    const db = new Database(file)
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999)')
    db.close()
    expect(() => new SqliteStore(file)).toThrow(/schema \(version 999\) is newer/)
  })

  it('opens PostgreSQL when DATABASE_URL is set; an unreachable one fails without showing the password', async () => {
    const err = await openStore(defaultSettings({ dataDir: tempDir(), databaseUrl: 'postgres://u:pw-s3cret-value@127.0.0.1:1/db' })).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err).toBeInstanceOf(Error)
    expect(err!.message).not.toContain('pw-s3cret-value')
    expect(err!.name).not.toBe('ConfigError')
  })

  it('throws UnavailableError when another writer holds the file, and stores nothing', async () => {
    const file = join(tempDir(), 'x.db')
    const store = new SqliteStore(file, { busyTimeoutMs: 0 })
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    const event = sampleEvent()
    await expect(store.accept(acceptInput(event, ['ops']))).rejects.toBeInstanceOf(UnavailableError)
    await expect(store.ping()).rejects.toThrow(/SQLITE_BUSY/)
    other.exec('ROLLBACK')
    other.close()
    expect(await store.getEvent(event.id)).toBeUndefined()
    expect((await store.accept(acceptInput(event, ['ops']))).duplicate).toBe(false)
    await store.close()
  })

  describe('durability without blocking the loop', () => {
    /** An fdatasync stand-in that holds every call until the test releases it (or fails it). */
    const heldSync = () => {
      const held: { fd: number; done: (err: Error | null) => void }[] = []
      const fsync: SyncFn = (fd, done) => void held.push({ fd, done })
      return { fsync, held, release: (err: Error | null = null) => held.splice(0).forEach((h) => h.done(err)) }
    }
    const settledYet = async (p: Promise<unknown>) => {
      let settled = false
      p.then(
        () => (settled = true),
        () => (settled = true),
      )
      await new Promise((r) => setTimeout(r, 30))
      return settled
    }
    /** Until the store has committed and asked for its fsync: turns of the loop, not a time (a loaded machine may run
     * a timer before the commit's setImmediate). */
    const syncAsked = async (sync: ReturnType<typeof heldSync>, n = 1) => {
      while (sync.held.length < n) await new Promise((r) => setImmediate(r))
    }

    it('answers an accept only once the WAL holding it has been fsynced, and one fsync serves a whole group', async () => {
      const file = join(tempDir(), 'x.db')
      const sync = heldSync()
      const store = new SqliteStore(file, { fsync: sync.fsync })
      const events = [sampleEvent(), sampleEvent(), sampleEvent()]
      const accepted = Promise.all(events.map((e) => store.accept(acceptInput(e, ['ops']))))
      await syncAsked(sync)
      expect(await settledYet(accepted)).toBe(false)
      expect(sync.held).toHaveLength(1)
      // The fsync is of the WAL file, where the commit's frames are.
      expect(readlinkSync(`/proc/self/fd/${sync.held[0].fd}`)).toBe(`${realpathSync(file)}-wal`)
      // Committed (another connection sees it), yet not answered: it is not known to be on disk.
      const reader = new Database(file, { readonly: true })
      expect(reader.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 3 })
      reader.close()
      sync.release()
      expect((await accepted).map((r) => r.duplicate)).toEqual([false, false, false])
      await store.close()
    })

    it('a write that arrives while an fsync runs waits for the next one, started after its commit', async () => {
      const sync = heldSync()
      const store = new SqliteStore(join(tempDir(), 'x.db'), { fsync: sync.fsync })
      const first = store.accept(acceptInput(sampleEvent(), ['ops']))
      await syncAsked(sync)
      expect(sync.held).toHaveLength(1)
      const second = store.accept(acceptInput(sampleEvent(), ['ops']))
      const marked = (async () => {
        await first
        const [d] = await store.waitingFor('ops', 1)
        await store.markSent([d.id], new Date())
      })()
      await new Promise((r) => setTimeout(r, 10))
      sync.release()
      await first
      // The fsync in flight when `second` committed does not count for it.
      expect(await settledYet(second)).toBe(false)
      expect(sync.held).toHaveLength(1)
      sync.release()
      await second
      // markSent is a promise of durability too.
      await new Promise((r) => setTimeout(r, 10))
      expect(await settledYet(marked)).toBe(false)
      sync.release()
      await marked
      await store.close()
    })

    it('accepts that arrive while the WAL syncs wait for it and then share one commit and one sync', async () => {
      const file = join(tempDir(), 'x.db')
      const sync = heldSync()
      const store = new SqliteStore(file, { fsync: sync.fsync })
      const count = () => {
        const reader = new Database(file, { readonly: true })
        const n = (reader.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n
        reader.close()
        return n
      }
      const first = store.accept(acceptInput(sampleEvent(), ['ops']))
      await syncAsked(sync)
      const more = Promise.all([sampleEvent(), sampleEvent(), sampleEvent()].map((e) => store.accept(acceptInput(e, ['ops']))))
      await new Promise((r) => setTimeout(r, 10))
      // Not committed yet: they gather behind the sync in progress.
      expect(count()).toBe(1)
      sync.release()
      await first
      await new Promise((r) => setTimeout(r, 10))
      expect(count()).toBe(4)
      expect(sync.held).toHaveLength(1)
      sync.release()
      expect((await more).every((r) => !r.duplicate)).toBe(true)
      await store.close()
    })

    it('a failed fsync means no 202, then or after, until a restart; the restarted store answers the redelivery', async () => {
      const file = join(tempDir(), 'x.db')
      const sync = heldSync()
      const store = new SqliteStore(file, { fsync: sync.fsync })
      const event = sampleEvent()
      const first = store.accept(acceptInput(event, ['ops']))
      await syncAsked(sync)
      sync.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
      await expect(first).rejects.toThrow(UnavailableError)
      await expect(first).rejects.toThrow(/could not sync to disk \(EIO\)/)
      // Linux may report the next sync a success after dropping what the failed one could not write: none is trusted.
      await expect(store.accept(acceptInput(sampleEvent(), ['ops']))).rejects.toThrow(/restart ci-notify once the disk is fixed/)
      await expect(store.ping()).rejects.toThrow(/could not sync to disk/)
      const [d] = await store.waitingFor('ops', 1)
      await expect(store.markSent([d.id], new Date())).rejects.toThrow(UnavailableError)
      expect(sync.held).toHaveLength(0)
      await store.close()
      const restarted = new SqliteStore(file)
      expect(await restarted.accept(acceptInput(event, ['ops']))).toMatchObject({ duplicate: true, event_id: event.id })
      await restarted.close()
    })

    it('finds the WAL beside the real file when the database path is a symbolic link', async () => {
      const dir = tempDir()
      mkdirSync(join(dir, 'real'))
      symlinkSync(join(dir, 'real', 'ci-notify.db'), join(dir, 'link.db'))
      new Database(join(dir, 'real', 'ci-notify.db')).close()
      const store = new SqliteStore(join(dir, 'link.db'))
      for (let i = 0; i < 3; i++) expect((await store.accept(acceptInput(sampleEvent(), ['ops']))).duplicate).toBe(false)
      await store.close()
    })

    it('a WAL that cannot be opened fails that write only; the next one tries again (no hang)', async () => {
      const file = join(tempDir(), 'x.db')
      const wal = new WalSync(`${file}-missing`, (fd, done) => done(null))
      await expect(wal.flush()).rejects.toThrow(/ENOENT/)
      writeFileSync(`${file}-missing`, '')
      await wal.flush()
      let ran = false
      wal.betweenSyncs(() => (ran = true))
      await new Promise((r) => setImmediate(r))
      expect(ran).toBe(true)
      await wal.close()
    })

    it('reports a checkpoint thread that cannot work, instead of failing silently', async () => {
      const errors: string[] = []
      const cp = startCheckpointer(join(tempDir(), 'no-such-dir', 'x.db'), { onError: (m) => errors.push(m) })
      await vi.waitFor(() => expect(errors).toEqual([expect.stringMatching(/^checkpoint thread stopped: .*directory does not exist/)]), { timeout: 5000 })
      await cp.stop()
    })

    it('checkpoints on its own thread: the WAL is copied into the database long before the 40 MB safety net', async () => {
      const file = join(tempDir(), 'x.db')
      const store = new SqliteStore(file, { checkpointEveryMs: 20 })
      const big = 'x'.repeat(4000)
      for (let i = 0; i < 20; i++) {
        await Promise.all(Array.from({ length: 50 }, () => store.accept(acceptInput(sampleEvent({ name: big }), ['ops']))))
      }
      // ~5 MB written: under the store's own threshold, so only the checkpoint thread can have moved it.
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(4_000_000), { timeout: 5000, interval: 20 })
      await store.close()
      expect(existsSync(`${file}-wal`)).toBe(false)
      const db = new Database(file, { readonly: true })
      expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1000 })
      db.close()
    })
  })

  describe('the worker reads only the waiting deliveries (migration 2)', () => {
    const plan = (store: SqliteStore, sql: string, ...params: unknown[]) =>
      (store as unknown as { db: Database.Database }).db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => r.detail)

    it('finds due targets and a queue through the partial indexes, never by scanning the table', async () => {
      const store = new SqliteStore(':memory:')
      const due = plan(store, dueTargetsSql('?'), 0)
      expect(due.join('\n')).toContain('deliveries_waiting_due')
      expect(due.filter((d) => /^SCAN deliveries\b/.test(d))).toEqual([])
      expect(plan(store, `SELECT * FROM deliveries WHERE ${WAITING} AND target = ? ORDER BY id LIMIT ?`, 'a', 1)).toEqual(['SEARCH deliveries USING INDEX deliveries_waiting (target=?)'])
      expect(plan(store, deadCountSql)).toEqual(['SCAN deliveries USING COVERING INDEX deliveries_dead'])
      await store.close()
    })

    it('upgrades a version-1 file with its queue: the same deliveries wait, are due and are counted', async () => {
      const { file, db: v1, event } = olderFile(1)
      const add = v1.prepare(
        `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, next_attempt_at, created_at) VALUES (?, ?, ?, '{"target":"x","rules":[],"mentions":[],"all":false}', ?, ?, ?)`,
      )
      ;[
        ['a', 'pending', 5],
        ['a', 'sent', 5],
        ['b', 'retrying', 50],
        ['c', 'dead', 5],
      ].forEach(([target, status, at], i) => add.run(event.id, target, status, `u${i}`, at, event.received_at))
      v1.close()

      const store = new SqliteStore(file)
      expect(await store.dueTargets(10)).toEqual(['a'])
      expect(await store.dueTargets(50)).toEqual(['a', 'b'])
      expect((await store.waitingFor('a', 10)).map((d) => d.status)).toEqual(['pending'])
      expect(await store.queueStats()).toEqual({ pending: 1, retrying: 1, dead: 1, oldestPendingAt: event.received_at, waitingByTarget: { a: 1, b: 1 } })
      expect((await store.listDeliveries({ status: 'dead', limit: 10 })).map((d) => d.target)).toEqual(['c'])
      await store.close()
    })
  })

  describe('kept webhook headers (migration 7)', () => {
    it('upgrades a version-6 file: its event reads as before, without headers; a new event keeps its own', async () => {
      const { file, db: v6, event } = olderFile(6)
      v6.close()
      const store = new SqliteStore(file)
      const old = await store.getEvent(event.id)
      expect(old?.event).toEqual(event)
      expect(old).not.toHaveProperty('request')
      const next = sampleEvent()
      await store.accept({ ...acceptInput(next, ['d']), headers: { 'x-gitlab-event': 'Pipeline Hook' } })
      expect((await store.getEvent(next.id))?.request).toEqual({ headers: { 'x-gitlab-event': 'Pipeline Hook' } })
      await store.close()
    })
  })

  describe('msg_uuid without its unique index (migration 3)', () => {
    it('upgrades a version-2 file: every delivery and column kept, ids never reused, no unique index left but the keys', async () => {
      const { file, db: v2, event } = olderFile(2)
      const add = v2.prepare(
        `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, sent_at, last_errcode, last_errmsg, digest_of, progress)
         VALUES (?, ?, ?, '{"target":"x","rules":[],"mentions":[],"all":false}', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      add.run(event.id, 'a', 'sent', 'u1', 1, 5, event.received_at, '2026-11-01T10:00:01.000Z', null, null, null, null)
      add.run(event.id, 'a', 'retrying', 'u2', 2, 50, event.received_at, null, 310000, 'too fast', null, '{"uuid":"u2","sent":[1]}')
      add.run(event.id, 'b', 'dead', 'u3', 3, 5, event.received_at, null, null, 'gone', 1, null)
      add.run(event.id, 'c', 'sent', 'u4', 1, 5, event.received_at, null, null, null, null, null)
      v2.prepare(`DELETE FROM deliveries WHERE msg_uuid = 'u4'`).run() // pruned: its id must not come back
      const before = v2.prepare('SELECT * FROM deliveries ORDER BY id').all()
      v2.close()

      const store = new SqliteStore(file)
      const db = (store as unknown as { db: Database.Database }).db
      // Version 4's and 6's columns are added empty (5 adds none).
      expect(db.prepare('SELECT * FROM deliveries ORDER BY id').all()).toEqual(before.map((r) => ({ ...(r as object), muted_by: null, catch_up_of: null, in_group: null, group_of: null, reminder_since: null })))
      const unique = db.prepare<[], { name: string }>(`SELECT name FROM pragma_index_list('deliveries') WHERE "unique" = 1`).all()
      expect(unique).toEqual([])
      expect(db.prepare<[], { name: string }>(`SELECT name FROM pragma_index_list('deliveries') ORDER BY name`).all().map((r) => r.name)).toEqual([
        'deliveries_dead',
        'deliveries_event',
        'deliveries_held',
        'deliveries_in_group',
        'deliveries_muted',
        'deliveries_silenced',
        'deliveries_waiting',
        'deliveries_waiting_due',
      ])
      const next = sampleEvent()
      await store.accept(acceptInput(next, ['d']))
      const [fresh] = (await store.getEvent(next.id))!.deliveries
      expect(fresh.id).toBe(5)
      expect(await store.dueTargets(60)).toEqual(['a'])
      expect((await store.listDeliveries({ status: 'dead', limit: 10 })).map((d) => d.msg_uuid)).toEqual(['u3'])
      expect(db.prepare(`SELECT "table", "from", "to" FROM pragma_foreign_key_list('deliveries')`).all()).toEqual([{ table: 'events', from: 'event_id', to: 'id' }])
      expect(db.pragma('foreign_key_check')).toEqual([])
      await store.close()
    })
  })
})
