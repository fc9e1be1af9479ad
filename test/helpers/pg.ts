import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { PostgresStore, type PostgresOptions } from '../../src/store/postgres.js'

/** The PostgreSQL the tests use: CI starts it on loopback (`.ci/run`); override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Fresh schemas for one test file, each `ci_notify_test_<pid>_<random>`, dropped by `dropAll()` (call it in
 * afterAll). Nothing is skipped when PostgreSQL is down: `reachable()` throws a message saying how to start it, so a
 * missing database is a red test run, not a silently green one.
 */
export function pgSchemas() {
  const created = new Set<string>()

  const name = (): string => {
    const schema = `ci_notify_test_${process.pid}_${randomBytes(4).toString('hex')}`
    created.add(schema)
    return schema
  }

  // One plain connection per file for the tests' own SQL: opening one costs ~100 ms on a busy machine.
  let admin: Promise<pg.Client> | undefined
  const adminClient = (): Promise<pg.Client> =>
    (admin ??= (async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await c.connect()
      return c
    })())

  /** Runs `fn` with a plain client whose search_path is `schema`, for looking at rows directly. */
  const sql = async <T>(schema: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = await adminClient()
    await c.query(`SET search_path TO "${schema}"`)
    return fn(c)
  }

  const drop = async (names: string[]): Promise<void> => {
    if (names.length === 0) return
    const c = await adminClient()
    for (const s of names) {
      await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
      created.delete(s)
      if (s === shared) shared = undefined
    }
  }

  // Creating and migrating a schema costs a few hundred ms of DDL; tests that only need an empty store share one
  // per file and empty it instead (tests in one file run one after the other).
  let shared: string | undefined
  const empty = async (): Promise<string> => {
    if (!shared) {
      shared = name()
      await (await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema: shared })).close()
    }
    const schema = shared
    await sql(schema, async (c) => {
      // DELETE, not TRUNCATE: on tables this small it is ten times faster (no new files to create and sync).
      await c.query('DELETE FROM deliveries; DELETE FROM events; DELETE FROM pipeline_state; DELETE FROM target_leases; DELETE FROM rate_buckets; DELETE FROM silences; DELETE FROM delivery_groups; DELETE FROM reminders')
    })
    return schema
  }

  return {
    name,
    /** The file's shared schema, migrated, with every table emptied: for tests that need a fresh, empty store. */
    empty,
    /** A PostgresStore on `schema` (a new one by default), migrated and with search_path set on its pool. */
    open: (schema: string = name(), o: Partial<PostgresOptions> = {}): Promise<PostgresStore> =>
      PostgresStore.open({ connectionString: TEST_DATABASE_URL, poolSize: 4, ...o, schema }),
    sql,
    drop: (schema: string): Promise<void> => drop([schema]),
    /** Drops every schema this file made and closes the helper's connection; call it in afterAll. */
    async dropAll(): Promise<void> {
      await drop([...created])
      const c = await admin
      admin = undefined
      await c?.end()
    },
  }
}

/** Throws a clear error when the test database cannot be reached (the suite fails instead of skipping). */
export async function reachable(): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 })
  try {
    await c.connect()
  } catch (err) {
    const url = new URL(TEST_DATABASE_URL)
    throw new Error(
      `PostgreSQL is not reachable at ${url.hostname}:${url.port || 5432}${url.pathname} (${(err as Error).message}). ` +
        'The PostgreSQL tests need it: start it (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, ' +
        'as `.ci/run` does) or point TEST_DATABASE_URL at one.',
    )
  }
  await c.end()
}
