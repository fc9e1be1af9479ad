/**
 * Versioned schema, applied in order at open; `schema_version` holds the last one applied. Plain SQL kept to what
 * SQLite and PostgreSQL both read (TEXT/INTEGER columns, JSON as TEXT, epoch ms as INTEGER), so the PostgreSQL store
 * can start from the same statements (it swaps `INTEGER PRIMARY KEY AUTOINCREMENT` for an identity column).
 */
export type Migration = { version: number; sql: string[] }

const DELIVERY_COLUMNS =
  'id, event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, sent_at, last_errcode, last_errmsg, digest_of, progress'

/** Version 2's indexes on the waiting and dead deliveries; version 3 recreates them on its rebuilt table. */
const PARTIAL_DELIVERY_INDEXES = [
  // waitingFor(): a target's queue in order.
  `CREATE INDEX deliveries_waiting ON deliveries (target, id) WHERE status IN ('pending', 'retrying')`,
  // dueTargets(): one probe per target (src/store/queries.ts).
  `CREATE INDEX deliveries_waiting_due ON deliveries (target, next_attempt_at) WHERE status IN ('pending', 'retrying')`,
  // The dead letters: counted for /metrics and listed by the API.
  `CREATE INDEX deliveries_dead ON deliveries (id) WHERE status = 'dead'`,
]

/**
 * Version 4, as both stores write it (PostgreSQL's BIGINT is SQLite's INTEGER). `catch_up` is 0/1 in both.
 * `deliveries_muted` serves a catch-up (what one silence held for one target); `deliveries_silenced`, the API's list.
 */
export const SILENCES_SQL = [
  `CREATE TABLE silences (
    id TEXT PRIMARY KEY,
    matchers TEXT NOT NULL,
    targets TEXT,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    comment TEXT NOT NULL,
    created_by TEXT NOT NULL,
    catch_up INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    caught_up_at BIGINT
  )`,
  `CREATE INDEX silences_ends_at ON silences (ends_at)`,
  `ALTER TABLE deliveries ADD COLUMN muted_by TEXT`,
  `ALTER TABLE deliveries ADD COLUMN catch_up_of TEXT`,
  `CREATE INDEX deliveries_muted ON deliveries (muted_by, target, id) WHERE muted_by IS NOT NULL`,
  `CREATE INDEX deliveries_silenced ON deliveries (id) WHERE status = 'silenced'`,
]

/**
 * Version 5, as both stores write it: time intervals' holds. A delivery routed while its rule was muted is `held`
 * (or `dropped`) with its window in `muted_by` and the window's end in `next_attempt_at`; each window is one row here,
 * claimed once (caught_up_at) when its catch-up is queued. `held_windows_open` is what the worker reads every second.
 */
export const HELD_WINDOWS_SQL = [
  `CREATE TABLE held_windows (
    id TEXT PRIMARY KEY,
    ends_at BIGINT NOT NULL,
    caught_up_at BIGINT
  )`,
  `CREATE INDEX held_windows_open ON held_windows (ends_at) WHERE caught_up_at IS NULL`,
  `CREATE INDEX deliveries_held ON deliveries (id) WHERE status = 'held'`,
]

/**
 * Version 6, as both stores write it: groups (`group_wait`) and reminders (`remind_every`). Version 5 is the time
 * intervals' (another branch); the runners apply every version not yet recorded, so either may land first.
 * - `delivery_groups`: one row per group; at most one open (not flushed) per rule, key and target, which the unique
 *   partial index enforces, so replicas accepting events of one group at once join one row (an upsert).
 * - a delivery held in a group is `grouped` with its group in `in_group`; the group's own delivery, queued when it is
 *   flushed, carries it in `group_of`.
 * - `reminders`: one row per pipeline and target while it stays broken; `due_at` moves on by `every_ms` as each
 *   reminder is queued (as a delivery with `reminder_since`, when the pipeline started failing).
 */
export const NOISE_SQL = [
  `CREATE TABLE delivery_groups (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    group_key TEXT NOT NULL,
    target TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    flushed_at BIGINT
  )`,
  `CREATE UNIQUE INDEX delivery_groups_open ON delivery_groups (rule, group_key, target) WHERE flushed_at IS NULL`,
  `CREATE INDEX delivery_groups_due ON delivery_groups (due_at) WHERE flushed_at IS NULL`,
  `CREATE TABLE reminders (
    pipeline_key TEXT NOT NULL,
    target TEXT NOT NULL,
    rule TEXT NOT NULL,
    event_id TEXT NOT NULL,
    route TEXT NOT NULL,
    every_ms BIGINT NOT NULL,
    since BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pipeline_key, target)
  )`,
  `CREATE INDEX reminders_due ON reminders (due_at)`,
  `ALTER TABLE deliveries ADD COLUMN in_group TEXT`,
  `ALTER TABLE deliveries ADD COLUMN group_of TEXT`,
  `ALTER TABLE deliveries ADD COLUMN reminder_since BIGINT`,
  `CREATE INDEX deliveries_in_group ON deliveries (in_group, id) WHERE in_group IS NOT NULL`,
]

/** Version 7, both stores: the webhook headers an event keeps (adapters/common/kept-headers.ts), JSON. */
export const REQUEST_SQL = `ALTER TABLE events ADD COLUMN request TEXT`

export const migrations: Migration[] = [
  {
    version: 1,
    sql: [
      `CREATE TABLE events (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        dedupe_key TEXT NOT NULL,
        received_at TEXT NOT NULL,
        event TEXT NOT NULL,
        routing TEXT NOT NULL,
        CONSTRAINT events_dedupe UNIQUE (source, dedupe_key)
      )`,
      `CREATE INDEX events_received_at ON events (received_at)`,
      // AUTOINCREMENT: ids are never reused after a prune, so "order by id" stays arrival order.
      `CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL REFERENCES events (id),
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        route TEXT NOT NULL,
        msg_uuid TEXT NOT NULL UNIQUE,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_errcode INTEGER,
        last_errmsg TEXT,
        digest_of INTEGER,
        progress TEXT
      )`,
      `CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, target)`,
      `CREATE INDEX deliveries_target ON deliveries (target, status, id)`,
      `CREATE INDEX deliveries_event ON deliveries (event_id)`,
      `CREATE TABLE pipeline_state (
        pipeline_key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    // The worker's queries read only the waiting deliveries (pending, retrying): a backlog of thousands for a robot
    // capped at 20 messages a minute, among millions of settled rows. Version 1's indexes led with status or held
    // every row, so naming the targets with something due read the whole backlog on every pass of the worker
    // (bench/README.md gives its cost). Partial indexes hold only what they serve and shrink as it is sent.
    version: 2,
    sql: [
      `DROP INDEX deliveries_due`,
      `DROP INDEX deliveries_target`,
      ...PARTIAL_DELIVERY_INDEXES,
    ],
  },
  {
    // msg_uuid loses its UNIQUE index. Nothing looks a delivery up by it, and it is unique by construction (a hash of
    // the event id, itself the primary key, and the target), so the index only cost: a random key, hence a random
    // page written per delivery, more than a third of an accept's time in SQLite. An inline UNIQUE cannot be dropped
    // in SQLite, so the table is rebuilt (once, at the upgrade; its AUTOINCREMENT sequence carried over, so ids of
    // pruned deliveries are still never reused).
    version: 3,
    sql: [
      `CREATE TABLE deliveries_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL REFERENCES events (id),
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        route TEXT NOT NULL,
        msg_uuid TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_errcode INTEGER,
        last_errmsg TEXT,
        digest_of INTEGER,
        progress TEXT
      )`,
      `INSERT INTO deliveries_v3 (${DELIVERY_COLUMNS}) SELECT ${DELIVERY_COLUMNS} FROM deliveries`,
      `DELETE FROM sqlite_sequence WHERE name = 'deliveries_v3'`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT 'deliveries_v3', seq FROM sqlite_sequence WHERE name = 'deliveries'`,
      `DROP TABLE deliveries`,
      // Renaming also renames its sqlite_sequence row.
      `ALTER TABLE deliveries_v3 RENAME TO deliveries`,
      // The rebuilt table gets back exactly the indexes versions 1 and 2 left on it.
      `CREATE INDEX deliveries_event ON deliveries (event_id)`,
      ...PARTIAL_DELIVERY_INDEXES,
    ],
  },
  {
    // Silences (src/silence.ts) and what they hold: a delivery a silence covered is `silenced` with the silence's id in
    // `muted_by`; a catch-up delivery carries the id whose held deliveries it summarizes in `catch_up_of`.
    version: 4,
    sql: SILENCES_SQL.map((s) => s.replaceAll('BIGINT', 'INTEGER')),
  },
  {
    // Time intervals (rules' mute_time_intervals, active_time_intervals): held deliveries and their windows.
    version: 5,
    sql: HELD_WINDOWS_SQL.map((s) => s.replaceAll('BIGINT', 'INTEGER')),
  },
  {
    // Grouping and reminders (NOISE_SQL). Numbered 6: 5 belongs to the time intervals.
    version: 6,
    sql: NOISE_SQL.map((s) => s.replaceAll('BIGINT', 'INTEGER')),
  },
  {
    // The webhook headers an event keeps (adapters/common/kept-headers.ts), JSON; null for events stored before.
    version: 7,
    sql: [REQUEST_SQL],
  },
]

export const LATEST_VERSION = Math.max(...migrations.map((m) => m.version))
