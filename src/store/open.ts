import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../errors.js'
import type { Settings } from '../settings.js'
import { SqliteStore } from './sqlite.js'
import type { Store } from './types.js'

/** The store the settings ask for: SQLite in `${dataDir}/ci-notify.db` (folder created). PostgreSQL comes with issue 6. */
export async function openStore(settings: Settings): Promise<Store> {
  if (settings.databaseUrl) {
    throw new ConfigError('DATABASE_URL: the PostgreSQL store is not available in this version; unset it to use SQLite in DATA_DIR')
  }
  mkdirSync(settings.dataDir, { recursive: true })
  return new SqliteStore(join(settings.dataDir, 'ci-notify.db'))
}
