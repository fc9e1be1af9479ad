import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Hono } from 'hono'
import type { SyncFn } from '../src/store/wal-sync.js'
import { walWriter } from '../src/store/wal-writer.js'

/**
 * The durable baseline: the bare app (bench/bare-server.ts) plus the least a receiver must do before a 202 can mean
 * "stored": the body committed to SQLite and that commit on disk. The same connection as ours (WAL,
 * synchronous=NORMAL, walWriter: the WAL fdatasync'ed on the thread pool before the answer, checkpoints on their own
 * thread, the same page cache) and the same group commit (the bodies that arrive while a sync runs share the next
 * transaction), into one table with one column. No auth, adapter, dedupe, routing, index or log line. What it costs
 * beyond the bare app is what storing before answering costs with this design on this machine, at the benchmark's
 * concurrency. It stores the raw body, which for GitHub is more than ours stores of the same webhook (the common event
 * made of it), so the bench reports the page cache each dirties per request beside it.
 *
 * `sync` replaces fs.fdatasync, for the tests that hold or fail it; `db` is there for them to read its settings.
 */
export function durableBaseline(dataDir: string, o: { sync?: SyncFn } = {}): { app: Hono; db: Database.Database; close(): Promise<void> } {
  const db = new Database(join(dataDir, 'bodies.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec('CREATE TABLE IF NOT EXISTS bodies (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  const insert = db.prepare<[string]>('INSERT INTO bodies (body) VALUES (?)')
  const commit = db.transaction((bodies: string[]) => {
    for (const b of bodies) insert.run(b)
  })
  const { wal, checkpointer } = walWriter(db, { fsync: o.sync })
  let queued: { body: string; done: (err?: unknown) => void }[] = []

  const commitQueued = () => {
    const batch = queued
    queued = []
    try {
      commit(batch.map((q) => q.body))
    } catch (err) {
      for (const q of batch) q.done(err)
      return
    }
    wal.flush().then(
      () => batch.forEach((q) => q.done()),
      (err: unknown) => batch.forEach((q) => q.done(err)),
    )
  }
  const store = (body: string) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ body, done: (err) => (err ? reject(err) : resolve()) })
      if (queued.length === 1) wal.betweenSyncs(commitQueued)
    })

  const app = new Hono()
  // A failed commit or sync answers 500 (the bench counts answers by status), without Hono's console report.
  app.onError((err, c) => c.json({ error: err.message }, 500))
  app.post('/webhooks/:source', async (c) => {
    const body = await c.req.text()
    JSON.parse(body)
    await store(body)
    return c.json({ event_id: 'bare' }, 202)
  })
  return {
    app,
    db,
    close: async () => {
      await checkpointer?.stop()
      await wal.close()
      db.close()
    },
  }
}
