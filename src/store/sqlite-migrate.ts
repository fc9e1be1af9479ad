import type Database from 'better-sqlite3'
import { LATEST_VERSION, migrations } from './migrations.js'

/**
 * Brings the file to the latest schema version. Each step runs in an IMMEDIATE transaction that re-reads what is
 * applied, so two processes opening the same file at once apply every step exactly once. A step is applied when its
 * version is not recorded, not when it is above the highest: versions merged out of order (a gap filled later) are
 * still applied.
 */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
  const current = () => db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_version').get()?.v ?? 0
  if (current() > LATEST_VERSION) {
    throw new Error(`the database schema (version ${current()}) is newer than this ci-notify understands (${LATEST_VERSION})`)
  }
  const applied = (v: number) => db.prepare<[number], number>('SELECT 1 FROM schema_version WHERE version = ?').pluck().get(v) !== undefined
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      if (applied(m.version)) return
      for (const sql of m.sql) db.exec(sql)
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version)
    }).immediate()
  }
}
