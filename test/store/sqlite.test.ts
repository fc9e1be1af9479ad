import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../src/errors.js'
import { defaultSettings } from '../../src/settings.js'
import { LATEST_VERSION } from '../../src/store/migrations.js'
import { openStore } from '../../src/store/open.js'
import { SqliteStore } from '../../src/store/sqlite.js'
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

describe('SqliteStore specifics', () => {
  it('opens ci-notify.db in DATA_DIR, creating the folder, in WAL mode with synchronous=FULL', async () => {
    const dataDir = join(tempDir(), 'nested', 'data')
    const store = await openStore(defaultSettings({ dataDir }))
    await store.close()
    const file = join(dataDir, 'ci-notify.db')
    expect(existsSync(file)).toBe(true)
    const db = new Database(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: LATEST_VERSION }])
    db.close()
    const direct = new SqliteStore(file)
    expect((direct as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    await direct.close()
  })

  it('applies migrations once across reopens', async () => {
    const file = join(tempDir(), 'x.db')
    await new SqliteStore(file).close()
    await new SqliteStore(file).close()
    const db = new Database(file)
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: LATEST_VERSION })
    db.close()
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
})
