import { realpathSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import Database from 'better-sqlite3'
import { Hono } from 'hono'
import { WalSync } from '../src/store/wal-sync.js'

/**
 * The durable baseline: the bare app (bench/bare-server.ts) plus the least a receiver must do before a 202 can mean
 * "stored": the body committed to SQLite and that commit on disk. The same driver, journal and durability as ours
 * (WAL, synchronous=NORMAL, the WAL fdatasync'ed on the thread pool by our WalSync before the answer), the same group
 * commit (the bodies that arrive while a sync runs share the next transaction), one table with one column. No auth,
 * no adapter, no dedupe, no routing, no index, no log line: what it costs beyond the bare app is the floor that
 * durability sets on this machine, which no design that stores before answering gets under.
 */
const dataDir = process.env.DATA_DIR
if (!dataDir) throw new Error('DATA_DIR must name the folder for the database')
const db = new Database(join(dataDir, 'bodies.db'))
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.exec('CREATE TABLE bodies (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const insert = db.prepare<[string]>('INSERT INTO bodies (body) VALUES (?)')
const commit = db.transaction((bodies: string[]) => {
  for (const b of bodies) insert.run(b)
})
// The WAL file exists once the database has written to it (the CREATE above).
const wal = new WalSync(`${realpathSync(db.name)}-wal`)

let queued: { body: string; done: (err?: unknown) => void }[] = []

function commitQueued(): void {
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

function store(body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    queued.push({ body, done: (err) => (err ? reject(err) : resolve()) })
    if (queued.length === 1) wal.betweenSyncs(commitQueued)
  })
}

const app = new Hono()
app.post('/webhooks/:source', async (c) => {
  const body = await c.req.text()
  JSON.parse(body)
  await store(body)
  return c.json({ event_id: 'bare' }, 202)
})

const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on ${info.port}\n`)
})
process.on('SIGTERM', () =>
  server.close(async () => {
    await wal.close()
    db.close()
    process.exit(0)
  }),
)
