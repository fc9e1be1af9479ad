import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coveredNumbers } from '../delivery/harness.js'
import { serverFleet, type Running } from '../helpers/server-process.js'
import { postPipeline, robotScene, until, type RobotScene } from '../helpers/robot-scene.js'
import { TEST_DATABASE_URL } from '../helpers/pg.js'

/**
 * Issue 6: three real server processes on one PostgreSQL database behave as one instance. A burst of webhooks spread
 * over all three (with redeliveries sent to a different replica than the original), one fake robot enforcing
 * 20 messages a minute: every event delivered exactly once, no rate-limit error provoked, digests formed, order per
 * target kept. Then a replica killed with SIGKILL mid-burst: nothing lost, nothing doubled beyond what msgUuid absorbs.
 */
const TOKEN = 'replicatoken0123456789abcdef'
const SECRET = 'SECreplicas0000000000000000'

const dbName = `ci_notify_replicas_${process.pid}_${randomBytes(3).toString('hex')}`
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL)
  u.pathname = `/${dbName}`
  return u.toString()
})()

let scene: RobotScene
let admin: pg.Client
const fleet = serverFleet()

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${dbName}"`)
}, 300_000)

afterAll(async () => {
  await fleet.killAll()
  await scene?.close()
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
    await admin.end()
  }
})

/** One replica: the built server on the shared database (its DATA_DIR stays unused). */
const start = () => fleet.start({ cwd: scene.dir, env: { ...scene.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'info' } })

/** Posts pipeline `n` (id 9000+n) to one replica; the Idempotency-Key makes a redelivery recognisable anywhere. */
const post = (server: Running, n: number) => postPipeline(server.url, { id: 9000 + n, iid: n, headers: { 'idempotency-key': `replicas-${n}` } })

describe('three replicas on one PostgreSQL', () => {
  it('deliver every event exactly once, within the robot limit, in order, surviving a SIGKILL', async () => {
    scene = await robotScene({ token: TOKEN, secret: SECRET, latencyMs: 100, dirPrefix: 'ci-notify-replicas-' })
    const { fake } = scene
    // Started one after the other: the first runs the migrations, the others find them done (the advisory lock
    // makes a simultaneous start safe too; the store's own tests cover that race).
    const servers = [await start(), await start(), await start()]

    const accepted = new Map<number, number>() // event number → how many 202s (must be 1)
    const statuses: number[] = []
    const record = (n: number, status: number) => {
      statuses.push(status)
      if (status === 202) accepted.set(9000 + n, (accepted.get(9000 + n) ?? 0) + 1)
    }
    // Phase 1: 240 events, round-robin over the replicas, every 8th one redelivered to the next replica.
    for (let n = 1; n <= 240; n++) {
      record(n, await post(servers[n % 3], n))
      if (n % 8 === 0) record(n, await post(servers[(n + 1) % 3], n))
    }
    // Phase 2: 60 more while replica 0 is killed part-way through; its share goes to the survivors afterwards.
    const victim = servers[0]
    const inFlight: Promise<void>[] = []
    for (let n = 241; n <= 300; n++) {
      const s = servers[n % 3]
      if (n === 260) victim.proc.kill('SIGKILL')
      if (n < 260 || s !== victim) inFlight.push(post(s, n).then((st) => record(n, st)))
      if (inFlight.length >= 6) await Promise.all(inFlight.splice(0))
    }
    await Promise.all(inFlight)
    await victim.exited

    const allThere = await until(() => scene.allShown(accepted.keys()), 150_000, 100)
    await new Promise((r) => setTimeout(r, 1500)) // anything sent twice would show up now

    const counts = new Map<number, number>()
    for (const id of scene.shownNumbers()) counts.set(id, (counts.get(id) ?? 0) + 1)
    const shown = fake.shown()
    const perMinute = Math.max(...shown.map((r) => shown.filter((o) => o.at > r.at - 60_000 && o.at <= r.at).length))
    const figures = {
      accepted202: accepted.size,
      duplicatesAnswered: statuses.filter((s) => s === 200).length,
      messagesShown: shown.length,
      digests: shown.filter((r) => coveredNumbers(JSON.stringify(r.message)).length > 1).length,
      mostInAnyMinute: perMinute,
      resendsAbsorbedByMsgUuid: fake.records.filter((r) => r.duplicate).length,
      rejected: fake.records.filter((r) => r.errcode !== 0).length,
    }
    console.log('replicas figures', JSON.stringify(figures))

    expect(allThere).toBe(true)
    expect([...accepted.values()].filter((c) => c > 1)).toEqual([]) // a redelivery is a duplicate on any replica
    expect([...counts.entries()].filter(([, c]) => c > 1)).toEqual([]) // shown once
    expect(figures.rejected).toBe(0) // no rate-limit (or any other) error provoked
    expect(perMinute).toBeLessThanOrEqual(20)
    expect(figures.digests).toBeGreaterThan(0)
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    // Order per target: events were accepted in increasing number within phase 1, so the robot shows them so.
    const phase1 = scene.shownNumbers().filter((id) => id <= 9240)
    expect(phase1).toEqual([...phase1].sort((a, b) => a - b))

    for (const r of servers.slice(1)) r.proc.kill('SIGTERM')
    await Promise.all(servers.slice(1).map((r) => r.exited))
    expect(servers.slice(1).map((r) => r.proc.exitCode)).toEqual([0, 0])
    const logs = fleet.logs() // all three replicas
    expect(logs).not.toContain(TOKEN)
    expect(logs).not.toContain(SECRET)
  }, 300_000)
})
