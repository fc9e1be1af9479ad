import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../src/errors.js'
import { PostgresStore } from '../../src/store/postgres.js'
import { pgSchemas, reachable, TEST_DATABASE_URL } from '../helpers/pg.js'
import { acceptInput, sampleEvent } from './sample.js'

const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())

/** A TCP hop between the store and PostgreSQL that the test can cut and restore: the database "goes down". */
async function cuttableLink() {
  const upstream = new URL(TEST_DATABASE_URL)
  const sockets = new Set<net.Socket>()
  const server = net.createServer((down) => {
    const up = net.connect(Number(upstream.port || 5432), upstream.hostname)
    for (const [s, other] of [
      [down, up],
      [up, down],
    ]) {
      sockets.add(s)
      s.on('error', () => other.destroy()) // the cut itself resets both ends; the store sees it on its side
      s.on('close', () => (sockets.delete(s), other.destroy()))
    }
    down.pipe(up).pipe(down)
  })
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  await listen(0)
  const port = (server.address() as net.AddressInfo).port
  const url = new URL(TEST_DATABASE_URL)
  url.host = `127.0.0.1:${port}`
  return {
    url: url.toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }),
    restore: () => listen(port),
  }
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20)
}

describe('PostgresStore when the database goes away', () => {
  it('fails to open with UnavailableError when nothing listens', async () => {
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as net.AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const err = await PostgresStore.open({ connectionString: `postgres://ci:s3cret-pw@127.0.0.1:${port}/test` }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnavailableError)
    expect((err as Error).message).toBe('event store unavailable: ECONNREFUSED')
    expect(JSON.stringify(err)).not.toContain('s3cret-pw')
  })

  it('answers UnavailableError while the database is down, stores nothing, and recovers when it is back', async () => {
    const link = await cuttableLink()
    const schema = schemas.name()
    const store = await schemas.open(schema, { connectionString: link.url })
    try {
      const before = sampleEvent()
      expect((await store.accept(acceptInput(before, ['ops']))).duplicate).toBe(false)

      await link.cut()
      const during = sampleEvent()
      await expect(store.accept(acceptInput(during, ['ops']))).rejects.toBeInstanceOf(UnavailableError)
      await expect(store.ping()).rejects.toBeInstanceOf(UnavailableError)
      await expect(store.dueTargets(Date.now())).rejects.toBeInstanceOf(UnavailableError)

      await link.restore()
      await expect(store.ping()).resolves.toBeUndefined()
      expect(await store.getEvent(during.id)).toBeUndefined()
      // The CI's retry of the refused webhook is accepted as new, not as a duplicate.
      expect((await store.accept(acceptInput(during, ['ops']))).duplicate).toBe(false)
      expect((await store.listEvents(10)).map((s) => s.event.id).sort()).toEqual([before.id, during.id].sort())
    } finally {
      await store.close()
    }
  })

  it('never commits an event whose connection dies mid-transaction', async () => {
    const link = await cuttableLink()
    const schema = schemas.name()
    const store = await schemas.open(schema, { connectionString: link.url })
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await admin.connect()
    try {
      // Hold the events table so the accept stops inside its transaction, then cut the link under it.
      await admin.query('BEGIN')
      await admin.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`)
      const event = sampleEvent()
      const accepted = store.accept(acceptInput(event, ['ops'])).catch((e: unknown) => e)
      const waiting = async () =>
        Number((await admin.query(`SELECT count(*) AS n FROM pg_locks WHERE relation = '"${schema}".events'::regclass AND NOT granted`)).rows[0].n) > 0
      await until(waiting)
      await link.cut()
      expect(await accepted).toBeInstanceOf(UnavailableError)
      await admin.query('ROLLBACK')
      // The server finishes the orphaned statement, fails to answer, and rolls back: nothing was committed.
      await until(async () => !(await waiting()))
      await link.restore()
      expect(await store.getEvent(event.id)).toBeUndefined()
    } finally {
      await admin.end()
      await store.close()
    }
  })

  it('answers UnavailableError instead of hanging when a statement is stuck, and stores nothing', async () => {
    const schema = schemas.name()
    // One connection: the one that ran the migrations (which lift the bound while they wait) serves the accept too.
    const store = await schemas.open(schema, { poolSize: 1, statementTimeoutMs: 200 })
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await admin.connect()
    try {
      await admin.query('BEGIN')
      await admin.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`)
      const event = sampleEvent()
      const err = await store.accept(acceptInput(event, ['ops'])).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UnavailableError)
      expect((err as Error).message).toMatch(/statement timeout \(57014\)/)
      await admin.query('ROLLBACK')
      expect(await store.getEvent(event.id)).toBeUndefined()
      expect((await store.accept(acceptInput(event, ['ops']))).duplicate).toBe(false)
    } finally {
      await admin.end()
      await store.close()
    }
  })

  it('refuses to accept or pass ping on a read-only database (a standby after a failover)', async () => {
    const store = await schemas.open(schemas.name(), { poolSize: 1 })
    try {
      // The one pooled session turns read-only, as every session on a standby is.
      await (store as unknown as { pool: pg.Pool }).pool.query('SET default_transaction_read_only = on')
      await expect(store.ping()).rejects.toThrow(/read-only/)
      await expect(store.accept(acceptInput(sampleEvent(), ['ops']))).rejects.toBeInstanceOf(UnavailableError)
    } finally {
      await store.close()
    }
  })
})
