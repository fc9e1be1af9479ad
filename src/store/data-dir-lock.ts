import Database from 'better-sqlite3'
import { join } from 'node:path'
import { ConfigError } from '../errors.js'

export type DirLock = { release(): void }

/**
 * One server per DATA_DIR: SQLite takes a single writer, and two servers delivering from one outbox would send every
 * message twice. The lock is an exclusive transaction held open on a small SQLite file beside the store: the operating
 * system drops it with the process, however it ends (a SIGKILL, a crash), so a stale lock never outlives its owner.
 * Throws ConfigError when another process holds it.
 */
export function lockDataDir(dir: string): DirLock {
  const file = join(dir, 'ci-notify.lock')
  const db = new Database(file, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    throw new ConfigError(
      `DATA_DIR ${dir} is in use by another ci-notify server (${file} is locked): SQLite takes one writer. Stop the other server, give this one a DATA_DIR of its own, or run several replicas on PostgreSQL (DATABASE_URL)`,
    )
  }
  return {
    release() {
      if (db.open) db.close()
    },
  }
}
