import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../log.js'
import type { Settings } from '../settings/settings.js'
import { lockDataDir } from './data-dir-lock.js'
import { SqliteStore } from './sqlite.js'
import type { Store } from './types.js'

/**
 * The store the settings ask for: PostgreSQL when DATABASE_URL is set (every replica on one database runs as one
 * instance), else the embedded SQLite in `${dataDir}/ci-notify.db` (folder created), which no other server may open
 * while this one runs (data-dir-lock.ts; ConfigError if one does).
 */
export async function openStore(settings: Settings, log?: Logger): Promise<Store> {
  if (settings.databaseUrl) {
    // Loaded only when asked for: an embedded deployment must not pay the driver's memory (bench/README.md).
    const { PostgresStore } = await import('./postgres.js')
    return PostgresStore.open({
      connectionString: settings.databaseUrl,
      poolSize: settings.dbPoolSize,
      onIdleError: (err) => log?.warn({ err: err.message }, 'PostgreSQL connection dropped; reconnecting'),
    })
  }
  mkdirSync(settings.dataDir, { recursive: true })
  const lock = lockDataDir(settings.dataDir)
  try {
    return new SqliteStore(join(settings.dataDir, 'ci-notify.db'), {
      onCheckpointError: (message) => log?.warn({ err: message }, 'SQLite WAL checkpoint: the WAL grows until the store checkpoints it itself'),
      onClose: () => lock.release(),
    })
  } catch (err) {
    lock.release()
    throw err
  }
}
