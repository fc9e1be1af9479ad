import type pg from 'pg'
import { HELD_WINDOWS_SQL, NOISE_SQL, REQUEST_SQL, SILENCES_SQL } from './migrations.js'
import { inTransaction, query, withClient } from './pg-query.js'

/**
 * Versioned schema, append only: a released migration is never edited, a change is a new entry. Tables, columns and
 * their meanings mirror the SQLite store (src/store/migrations.ts; test/store/postgres.test.ts compares the
 * two), so the same row reader (src/store/rows.ts) serves both. Differences, each for a reason:
 * - BIGSERIAL / BIGINT where SQLite's INTEGER is 64-bit anyway (epoch ms overflow a PostgreSQL INTEGER);
 * - COLLATE "C" on ids and ISO times: `ORDER BY id` and time comparisons are byte order, as in SQLite, whatever
 *   locale the database was created with;
 * - JSON stays TEXT, as in SQLite (jsonb would also reject the `\u0000` escape a webhook string may carry);
 * - `target_leases` and `rate_buckets`: coordination between replicas, which a single SQLite process does not need.
 */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        id          TEXT COLLATE "C" PRIMARY KEY,
        source      TEXT NOT NULL,
        dedupe_key  TEXT NOT NULL,
        received_at TEXT COLLATE "C" NOT NULL,
        event       TEXT NOT NULL,
        routing     TEXT NOT NULL,
        CONSTRAINT events_dedupe UNIQUE (source, dedupe_key)
      );
      CREATE INDEX events_received_at ON events (received_at);
      CREATE TABLE deliveries (
        id              BIGSERIAL PRIMARY KEY,
        event_id        TEXT COLLATE "C" NOT NULL REFERENCES events (id),
        target          TEXT NOT NULL,
        status          TEXT NOT NULL,
        route           TEXT NOT NULL,
        msg_uuid        TEXT NOT NULL UNIQUE,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        created_at      TEXT COLLATE "C" NOT NULL,
        sent_at         TEXT COLLATE "C",
        last_errcode    INTEGER,
        last_errmsg     TEXT,
        digest_of       BIGINT,
        progress        TEXT
      );
      CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, target);
      CREATE INDEX deliveries_target ON deliveries (target, status, id);
      CREATE INDEX deliveries_event ON deliveries (event_id);
      CREATE TABLE pipeline_state (
        pipeline_key TEXT PRIMARY KEY,
        state        TEXT NOT NULL,
        updated_at   TEXT COLLATE "C" NOT NULL
      );
      CREATE TABLE target_leases (
        target     TEXT PRIMARY KEY,
        owner      TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE rate_buckets (
        target        TEXT PRIMARY KEY,
        sends         TEXT NOT NULL,
        blocked_until BIGINT
      );
    `,
  },
  {
    // As SQLite's version 2 (src/store/migrations.ts): the worker's queries read only the waiting deliveries.
    version: 2,
    sql: `
      DROP INDEX deliveries_due;
      DROP INDEX deliveries_target;
      CREATE INDEX deliveries_waiting ON deliveries (target, id) WHERE status IN ('pending', 'retrying');
      CREATE INDEX deliveries_waiting_due ON deliveries (target, next_attempt_at) WHERE status IN ('pending', 'retrying');
      CREATE INDEX deliveries_dead ON deliveries (id) WHERE status = 'dead';
    `,
  },
  {
    // As SQLite's version 3: nothing looks a delivery up by msg_uuid, unique by construction; its index only cost a
    // random page per delivery.
    version: 3,
    sql: `ALTER TABLE deliveries DROP CONSTRAINT deliveries_msg_uuid_key;`,
  },
  {
    // As SQLite's version 4: silences, and the deliveries they hold and catch up on.
    version: 4,
    sql: SILENCES_SQL.join(';\n') + ';',
  },
  {
    // As SQLite's version 5: time intervals' held deliveries and their windows.
    version: 5,
    sql: HELD_WINDOWS_SQL.join(';\n') + ';',
  },
  {
    // As SQLite's version 6: groups and reminders. 5 is the time intervals'.
    version: 6,
    sql: NOISE_SQL.join(';\n') + ';',
  },
  {
    // As SQLite's version 7: the webhook headers an event keeps.
    version: 7,
    sql: REQUEST_SQL + ';',
  },
]

/**
 * Brings the schema to the latest version. Replicas starting together all call this: a session advisory lock
 * (keyed by schema name, so test schemas don't queue behind each other) lets one migrate while the others wait, then
 * find nothing left to do. CREATE ... IF NOT EXISTS alone is not enough: two concurrent creates of one table can
 * still collide on the catalog's unique index.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<number[]> {
  const lockKey = `ci-notify:migrate:${schema ?? ''}`
  return withClient(pool, async (client, broken) => {
    try {
      // Waiting for another replica's migration may take longer than the per-statement bound the pool sets.
      await query(client, 'SET statement_timeout = 0')
      await query(client, 'SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey])
      try {
        return await applyMissing(client, schema, broken)
      } finally {
        await query(client, 'SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey])
        await query(client, 'RESET statement_timeout')
      }
    } catch (err) {
      // Whatever failed, drop this session rather than reuse it: closing it also releases the advisory lock.
      broken(err as Error)
      throw err
    }
  })
}

async function applyMissing(
  client: pg.PoolClient,
  schema: string | undefined,
  onBroken: (err: Error) => void,
): Promise<number[]> {
  // Look before creating: CREATE ... IF NOT EXISTS still needs the CREATE privilege, and a replica whose role only
  // reads and writes rows must start fine once the schema is in place.
  if (schema && (await query(client, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).length === 0) {
    await query(client, `CREATE SCHEMA "${schema}"`)
  }
  const [{ exists }] = await query<{ exists: boolean }>(client, `SELECT to_regclass('schema_version') IS NOT NULL AS exists`)
  if (!exists) await query(client, 'CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
  // Every version not yet recorded, not only those above the highest: versions merged out of order still apply.
  const done = new Set((await query<{ version: number }>(client, 'SELECT version FROM schema_version')).map((r) => Number(r.version)))
  const current = Math.max(0, ...done)
  const latest = Math.max(...MIGRATIONS.map((m) => m.version))
  if (current > latest) {
    throw new Error(`the database schema (version ${current}) is newer than this ci-notify understands (${latest})`)
  }
  const applied: number[] = []
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version).filter((x) => !done.has(x.version))) {
    await inTransaction(
      client,
      async (tx) => {
        await query(tx, m.sql)
        await query(tx, 'INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [
          m.version,
          new Date().toISOString(),
        ])
      },
      onBroken,
    )
    applied.push(m.version)
  }
  return applied
}
