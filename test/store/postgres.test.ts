import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PipelineState, Transition } from '../../src/routing.js'
import { migrations as sqliteMigrations } from '../../src/store/migrations.js'
import { MIGRATIONS } from '../../src/store/pg-migrations.js'
import { PostgresStore } from '../../src/store/postgres.js'
import type { Store } from '../../src/store/types.js'
import { pgSchemas, reachable, TEST_DATABASE_URL } from '../helpers/pg.js'
import { storeContract } from './contract.js'
import { acceptInput, routing, sampleEvent } from './sample.js'

const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())

storeContract(
  'PostgreSQL',
  async () => schemas.open(await schemas.empty()),
  async () => {
    const schema = schemas.name()
    return { open: () => schemas.open(schema), cleanup: () => schemas.drop(schema) }
  },
)

/** `n` stores, each with its own pool, on one schema: replicas in miniature. */
async function replicas(n: number): Promise<{ stores: PostgresStore[]; schema: string; close(): Promise<void> }> {
  const schema = await schemas.empty()
  const stores = await Promise.all(Array.from({ length: n }, () => schemas.open(schema)))
  return { stores, schema, close: async () => void (await Promise.all(stores.map((s) => s.close()))) }
}

const count = (schema: string, table: string) =>
  schemas.sql(schema, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n))

describe('PostgresStore across replicas', () => {
  it('stores a webhook delivered to every replica at once exactly once', async () => {
    const r = await replicas(3)
    try {
      const copies = Array.from({ length: 12 }, () => sampleEvent({ delivery_id: 'gitlab-uuid-1' }))
      const results = await Promise.all(copies.map((e, i) => r.stores[i % 3].accept(acceptInput(e, ['ops', 'dev']))))
      expect(results.filter((x) => !x.duplicate)).toHaveLength(1)
      expect(new Set(results.map((x) => x.event_id)).size).toBe(1)
      expect(await count(r.schema, 'events')).toBe(1)
      expect(await count(r.schema, 'deliveries')).toBe(2)
    } finally {
      await r.close()
    }
  })

  it('queues a silence\'s catch-up once when every replica claims it at the same moment', async () => {
    const r = await replicas(3)
    try {
      const T = Date.parse('2026-11-01T10:00:00Z')
      await r.stores[0].addSilence({ id: 'sil_race', matchers: { project: '**' }, starts_at: T, ends_at: T + 1000, comment: 'c', created_by: 'b', catch_up: true, created_at: T })
      for (let i = 0; i < 4; i++) await r.stores[i % 3].accept(acceptInput(sampleEvent(), ['ops', 'dev']))
      const held = [...(await r.stores[1].waitingFor('ops', 10)), ...(await r.stores[2].waitingFor('dev', 10))]
      await r.stores[1].markSilenced(held.map((d) => d.id), 'sil_race')
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => r.stores[i % 3].queueCatchUp('sil_race', T + 1000 + i)))
      expect(claims.filter((c) => c.length)).toEqual([['dev', 'ops']])
      const catchUps = await schemas.sql(r.schema, async (c) => (await c.query(`SELECT target FROM deliveries WHERE catch_up_of = 'sil_race' ORDER BY target`)).rows)
      expect(catchUps).toEqual([{ target: 'dev' }, { target: 'ops' }])
    } finally {
      await r.close()
    }
  })

  it('computes the transitions of one pipeline one after the other, whichever replica receives each event', async () => {
    const r = await replicas(2)
    try {
      const seen: (number | undefined)[] = []
      const n = 20
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const event = sampleEvent({ status: 'success' })
          return r.stores[i % 2].accept(
            acceptInput(event, [], {
              pipelineKey: 'gitlab|group/app|branch:main|',
              decide: (prev) => {
                seen.push(prev?.number)
                return { routing: routing(), state: { status: 'success', event_id: event.id, number: (prev?.number ?? 0) + 1 } }
              },
            }),
          )
        }),
      )
      // Every event saw the state the previous one wrote: no two read the same state, none was lost.
      expect(seen.map((x) => x ?? 0).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
      const [state] = await schemas.sql(r.schema, async (c) => (await c.query('SELECT state FROM pipeline_state')).rows)
      expect(JSON.parse(state.state).number).toBe(n)
    } finally {
      await r.close()
    }
  })

  it('says `fixed` once when several replicas receive successes of a failed pipeline at once', async () => {
    const r = await replicas(2)
    try {
      const key = 'jenkins|folder/app|branch:main|'
      const transition = (prev: PipelineState | undefined, status: 'failed' | 'success'): Transition | null =>
        !prev ? 'first' : prev.status === 'failed' ? (status === 'success' ? 'fixed' : 'still_failing') : status === 'failed' ? 'broken' : null
      const accept = (store: Store, status: 'failed' | 'success') => {
        const event = sampleEvent({ status, source: 'jenkins' })
        return store.accept(
          acceptInput(event, ['ops'], {
            pipelineKey: key,
            decide: (prev) => ({ routing: { ...routing('ops'), transition: transition(prev, status) }, state: { status, event_id: event.id } }),
          }),
        )
      }
      await accept(r.stores[0], 'failed')
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => accept(r.stores[i % 2], 'success')))
      const transitions = results.map((x) => (x.duplicate ? 'dup' : x.routing.transition))
      expect(transitions.filter((t) => t === 'fixed')).toHaveLength(1)
      expect(transitions.filter((t) => t === null)).toHaveLength(7)
    } finally {
      await r.close()
    }
  })

  it('commits a target`s deliveries in id order, so a worker never finds an older one after a newer', async () => {
    const r = await replicas(3)
    const observer = await schemas.open(r.schema)
    try {
      let done = false
      const seen = new Set<number>()
      const late: number[] = []
      const watch = (async () => {
        while (!done) {
          const ids = (await observer.waitingFor('ops', 10_000)).map((d) => d.id)
          const max = Math.max(0, ...seen)
          for (const id of ids) if (!seen.has(id) && id < max) late.push(id)
          for (const id of ids) seen.add(id)
        }
      })()
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          r.stores[i % 3].accept(acceptInput(sampleEvent(), i % 2 ? ['ops', 'dev'] : ['dev', 'ops'], { pipelineKey: `p${i % 7}` })),
        ),
      )
      done = true
      await watch
      expect(late).toEqual([])
      expect(seen.size).toBeGreaterThan(0)
      expect(await observer.waitingFor('ops', 10_000)).toHaveLength(60)
    } finally {
      await observer.close()
      await r.close()
    }
  })

  it('takes a mixed burst over three replicas (redeliveries, several pipelines, shared targets) without a deadlock or a double', async () => {
    const r = await replicas(3)
    try {
      const originals = Array.from({ length: 60 }, (_, i) => ({ event: sampleEvent(), pipeline: `p${i % 5}` }))
      // Half the webhooks are sent again, as a CI does after a timeout, to whichever replica the balancer picks.
      const burst = [...originals, ...originals.filter((_, i) => i % 2 === 0).map((o) => ({ ...o, event: { ...o.event, id: `${o.event.id}-again` } }))]
      const results = await Promise.all(
        burst.map(({ event, pipeline }, i) =>
          r.stores[i % 3].accept(
            acceptInput(event, i % 2 ? ['ops', 'dev'] : ['dev', 'ops'], {
              pipelineKey: pipeline,
              decide: (prev) => ({ routing: routing('ops', 'dev'), state: { status: 'success', event_id: event.id, number: (prev?.number ?? 0) + 1 } }),
            }),
          ),
        ),
      )
      expect(results.filter((x) => x.duplicate)).toHaveLength(30)
      // A webhook and its redelivery race: whichever commits first is the event, and the other answers with its id.
      const byOriginal = new Map<string, { sent: string; event_id: string; duplicate: boolean }[]>()
      for (const [i, x] of results.entries()) {
        const original = burst[i].event.id.replace(/-again$/, '')
        byOriginal.set(original, [...(byOriginal.get(original) ?? []), { sent: burst[i].event.id, event_id: x.event_id, duplicate: x.duplicate }])
      }
      expect(byOriginal.size).toBe(60)
      for (const answers of byOriginal.values()) {
        const first = answers.filter((a) => !a.duplicate)
        expect(first).toHaveLength(1)
        expect(first[0].event_id).toBe(first[0].sent)
        for (const a of answers) expect(a.event_id).toBe(first[0].sent)
      }
      expect(await count(r.schema, 'events')).toBe(60)
      expect(await count(r.schema, 'deliveries')).toBe(120)
      const states = await schemas.sql(r.schema, async (c) => (await c.query('SELECT pipeline_key, state FROM pipeline_state ORDER BY pipeline_key')).rows)
      expect(states.map((s) => [s.pipeline_key, JSON.parse(s.state).number])).toEqual(['p0', 'p1', 'p2', 'p3', 'p4'].map((p) => [p, 12]))
    } finally {
      await r.close()
    }
  })

  it('leases a target to one owner at a time and hands it over when the lease expires', async () => {
    const r = await replicas(2)
    const [a, b] = r.stores
    try {
      expect(await a.leaseTarget('ops', 'replica-a', 30_000, 1_000)).toBe(true)
      expect(await b.leaseTarget('ops', 'replica-b', 30_000, 2_000)).toBe(false)
      expect(await a.leaseTarget('ops', 'replica-a', 30_000, 20_000)).toBe(true) // renewed: now until 50 000
      expect(await b.leaseTarget('ops', 'replica-b', 30_000, 49_999)).toBe(false)
      expect(await a.leaseTarget('dev', 'replica-a', 30_000, 1_000)).toBe(true) // another target is independent
      expect(await b.leaseTarget('ops', 'replica-b', 30_000, 50_000)).toBe(true) // a died: b takes over
      expect(await a.leaseTarget('ops', 'replica-a', 30_000, 50_001)).toBe(false)
      await a.releaseTarget('ops', 'replica-a') // not a's any more: no effect
      expect(await a.leaseTarget('ops', 'replica-a', 30_000, 50_002)).toBe(false)
      await b.releaseTarget('ops', 'replica-b')
      expect(await a.leaseTarget('ops', 'replica-a', 30_000, 50_003)).toBe(true)
    } finally {
      await r.close()
    }
  })

  it('gives a contested lease to exactly one of many owners racing for it', async () => {
    const r = await replicas(2)
    try {
      const won = await Promise.all(Array.from({ length: 10 }, (_, i) => r.stores[i % 2].leaseTarget('ops', `owner-${i}`, 10_000, 5_000)))
      expect(won.filter(Boolean)).toHaveLength(1)
      const [row] = await schemas.sql(r.schema, async (c) => (await c.query('SELECT owner, expires_at FROM target_leases')).rows)
      expect(row).toEqual({ owner: `owner-${won.indexOf(true)}`, expires_at: '15000' })
    } finally {
      await r.close()
    }
  })

  it('shares a robot`s token bucket between replicas', async () => {
    const r = await replicas(2)
    const [a, b] = r.stores
    try {
      expect(await a.loadBucket('ops')).toBeUndefined()
      await a.saveBucket('ops', { sends: [1_700_000_000_123, 1_700_000_001_000], blockedUntil: 1_700_000_600_000 })
      expect(await b.loadBucket('ops')).toEqual({ sends: [1_700_000_000_123, 1_700_000_001_000], blockedUntil: 1_700_000_600_000 })
      await b.saveBucket('ops', { sends: [1_700_000_700_000] })
      expect(await a.loadBucket('ops')).toEqual({ sends: [1_700_000_700_000] })
      expect(await a.loadBucket('dev')).toBeUndefined()
    } finally {
      await r.close()
    }
  })
})

describe('PostgresStore migrations and schema', () => {
  it('lets replicas starting together migrate one fresh schema without error, each version applied once', async () => {
    const schema = schemas.name()
    const stores = await Promise.all(Array.from({ length: 4 }, () => schemas.open(schema)))
    await Promise.all(stores.map((s) => s.close()))
    const versions = await schemas.sql(schema, async (c) => (await c.query('SELECT version FROM schema_version ORDER BY version')).rows)
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })))
  })

  it('refuses a schema written by a newer version', async () => {
    const schema = schemas.name()
    await (await schemas.open(schema)).close()
    await schemas.sql(schema, (c) => c.query('INSERT INTO schema_version (version, applied_at) VALUES (999, $1)', [new Date().toISOString()]))
    await expect(schemas.open(schema)).rejects.toThrow(/schema \(version 999\) is newer/)
  })

  it('has every SQLite table and column, so a row means the same in both stores', async () => {
    const lite = new Database(':memory:')
    for (const m of sqliteMigrations) for (const sql of m.sql) lite.exec(sql)
    const tables = lite.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all()
    const expected = Object.fromEntries(
      tables.map((t) => [t.name, lite.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${t.name}')`).all().map((c) => c.name).sort()]),
    )
    lite.close()
    const schema = schemas.name()
    await (await schemas.open(schema)).close()
    const rows = await schemas.sql(schema, async (c) =>
      (await c.query<{ table_name: string; column_name: string }>('SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1', [schema])).rows,
    )
    const actual = Object.fromEntries(Object.keys(expected).map((t) => [t, rows.filter((r) => r.table_name === t).map((r) => r.column_name).sort()]))
    expect(actual).toEqual(expected)
  })

  it('works with a pool of one connection', async () => {
    const store = await schemas.open(schemas.name(), { poolSize: 1 })
    try {
      const event = sampleEvent()
      await store.accept(acceptInput(event, ['ops'], { pipelineKey: 'pk', decide: () => ({ routing: routing('ops'), state: { status: 'failed', event_id: event.id } }) }))
      expect((await store.getEvent(event.id))?.deliveries).toHaveLength(1)
    } finally {
      await store.close()
    }
  })

  it('refuses a schema name that is not a plain identifier, and a pool of no connections', async () => {
    await expect(PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(TypeError)
    await expect(PostgresStore.open({ connectionString: TEST_DATABASE_URL, poolSize: 0 })).rejects.toThrow(/poolSize must be/)
  })

  it('keeps NUL characters a webhook may carry, in the event and in the dedupe key', async () => {
    const store = await schemas.open()
    try {
      const event = sampleEvent({ delivery_id: 'a\u0000b', commit: { title: 'fix\u0000 it', message: 'x\u0000y' } })
      expect((await store.accept(acceptInput(event, ['ops'], { pipelineKey: 'p\u0000k' }))).duplicate).toBe(false)
      expect((await store.getEvent(event.id))?.event).toEqual(event)
      expect(await store.accept(acceptInput(sampleEvent({ delivery_id: 'a\u0000b' }), ['ops']))).toEqual({ duplicate: true, event_id: event.id })
      const [d] = await store.waitingFor('ops', 1)
      await store.markRetry(d.id, { nextAttemptAt: 1, errmsg: 'bad\u0000reply' })
      expect((await store.listDeliveries({ status: 'retrying', limit: 1 }))[0].last_errmsg).toBe('bad\\u0000reply')
    } finally {
      await store.close()
    }
  })
})

describe('PostgresStore prune', () => {
  it('keeps an event whose dead delivery is requeued while its batch is being pruned', async () => {
    const schema = await schemas.empty()
    const store = await schemas.open(schema)
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await other.connect()
    try {
      const old = new Date('2026-11-01T00:00:00Z')
      const event = sampleEvent({}, old)
      await store.accept(acceptInput(event, ['a', 'b']))
      const [a, b] = (await store.getEvent(event.id))!.deliveries
      await store.markSent([a.id], old)
      await store.markDead(b.id, { errmsg: 'gone' })
      // A requeue in flight: prune reads the event as prunable, then has to wait for this row.
      await other.query('BEGIN')
      await other.query(`UPDATE "${schema}".deliveries SET status = 'pending' WHERE id = $1`, [b.id])
      const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
      const pruning = store.prune(30, new Date('2026-12-31T00:00:00Z'))
      const blocked = async () =>
        Number((await other.query('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows[0].n) > 0
      while (!(await blocked())) await sleep(20)
      await other.query('COMMIT')
      expect(await pruning).toEqual({ events: 0, deliveries: 0 })
      expect((await store.getEvent(event.id))?.deliveries.map((d) => d.status)).toEqual(['sent', 'pending'])
    } finally {
      await other.end()
      await store.close()
    }
  })
})
