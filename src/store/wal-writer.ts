import { realpathSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { startCheckpointer, type Checkpointer } from './checkpointer.js'
import { WalSync, type SyncFn } from './wal-sync.js'

export type WalWriterOptions = { fsync?: SyncFn; checkpointEveryMs?: number; onCheckpointError?: (message: string) => void }

/** The connection's page cache, in KiB (see walWriter). */
export const PAGE_CACHE_KIB = 4096

/**
 * What makes a connection in WAL mode a writer whose commits reach the disk without blocking the event loop: the
 * WAL synced on the thread pool (WalSync), checkpoints on a thread of their own, a small page cache. The store
 * (src/store/sqlite.ts) runs on it, and so does the benchmark's durable baseline, so the two stay the same.
 * Call it once the connection has its journal mode and schema.
 */
export function walWriter(db: Database.Database, o: WalWriterOptions = {}): { wal: WalSync; checkpointer: Checkpointer | undefined } {
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLite's own default is 2 MB), which fills
  // within seconds of load and stays. What the hot paths
  // touch again is small (the last pages of each table and index, the recent events the worker reads back); a page
  // that is not cached is read from the OS's file cache. Set after the migrations, which may rebuild a big table and
  // its indexes with the larger cache. 4 MB lowers the peak RSS at the same throughput (bench/README.md).
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
  // SQLite puts the WAL beside the real file when the path is a symbolic link.
  const wal = new WalSync(db.memory ? undefined : `${realpathSync(db.name)}-wal`, o.fsync)
  if (db.memory) return { wal, checkpointer: undefined }
  // Checkpoints run on their own thread (src/store/checkpointer.ts); the connection's own, at ~40 MB of WAL, finishes
  // the job (restarting the WAL) and is the safety net should that thread be gone.
  db.pragma('wal_autocheckpoint = 10000')
  return { wal, checkpointer: startCheckpointer(db.name, { everyMs: o.checkpointEveryMs, onError: o.onCheckpointError }) }
}
