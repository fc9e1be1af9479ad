import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type Running } from '../helpers/server-process.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { coveredNumbers } from '../delivery/harness.js'
import { TEST_DATABASE_URL } from '../helpers/pg.js'

/**
 * Issue 6: three real server processes on one PostgreSQL database behave as one instance. A burst of webhooks spread
 * over all three (with redeliveries sent to a different replica than the original), one fake robot enforcing
 * 20 messages a minute: every event delivered exactly once, no rate-limit error provoked, digests formed, order per
 * target kept. Then a replica killed with SIGKILL mid-burst: nothing lost, nothing doubled beyond what msgUuid absorbs.
 */
const ROOT = join(import.meta.dirname, '../..')
const TOKEN = 'replicatoken0123456789abcdef'
const SECRET = 'SECreplicas0000000000000000'
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/gitlab/pipeline-failed-adapted.json'), 'utf8'))

const dbName = `ci_notify_replicas_${process.pid}_${randomBytes(3).toString('hex')}`
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL)
  u.pathname = `/${dbName}`
  return u.toString()
})()

let fake: FakeDingTalk
let dir: string
let admin: pg.Client
const children: ChildProcess[] = []

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${dbName}"`)
}, 300_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await Promise.all(children.map(exited))
  await fake?.close()
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
    await admin.end()
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})


/** One replica: the built server on the shared database (its DATA_DIR stays unused). */
async function start(): Promise<Running> {
  const r = await startServer({ cwd: dir, env: { DATA_DIR: join(dir, 'data'), DATABASE_URL: dbUrl, RULES_FILE: join(dir, 'rules.yaml'), LOG_LEVEL: 'info' } })
  children.push(r.proc)
  return r
}

/** Posts pipeline `n` (id 9000+n) to one replica; the Idempotency-Key makes a redelivery recognisable anywhere. */
async function post(server: Running, n: number): Promise<number> {
  const id = 9000 + n
  const body = { ...fixture, object_attributes: { ...fixture.object_attributes, id, iid: n, url: `http://example.com/gitlab-org/gitlab-test/-/pipelines/${id}` } }
  try {
    const res = await fetch(`${server.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'idempotency-key': `replicas-${n}` },
      body: JSON.stringify(body),
    })
    await res.text()
    return res.status
  } catch {
    return 0 // the replica died under this request: no 202, no promise made
  }
}

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))
const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
  return cond()
}

describe('three replicas on one PostgreSQL', () => {
  it('deliver every event exactly once, within the robot limit, in order, surviving a SIGKILL', async () => {
    fake = await startFakeDingTalk([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] } }])
    fake.setLatency(100)
    dir = mkdtempSync(join(tmpdir(), 'ci-notify-replicas-'))
    writeFileSync(
      join(dir, 'rules.yaml'),
      `targets:\n  ops:\n    type: dingtalk\n    webhook: "${fake.webhook(TOKEN)}"\n    secret: "${SECRET}"\n    keyword: CI\nrules:\n  - name: all\n    notify: [ops]\n`,
    )
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
    await exited(victim.proc)

    const shownNumbers = () => fake.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
    const allThere = await until(() => [...accepted.keys()].every((id) => shownNumbers().includes(id)), 150_000)
    await new Promise((r) => setTimeout(r, 1500)) // anything sent twice would show up now

    const counts = new Map<number, number>()
    for (const id of shownNumbers()) counts.set(id, (counts.get(id) ?? 0) + 1)
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
    const phase1 = shownNumbers().filter((id) => id <= 9240)
    expect(phase1).toEqual([...phase1].sort((a, b) => a - b))

    for (const s of servers.slice(1)) s.proc.kill('SIGTERM')
    await Promise.all(servers.slice(1).map((s) => exited(s.proc)))
    expect(servers.slice(1).map((s) => s.proc.exitCode)).toEqual([0, 0])
    const logs = servers.map((s) => s.stdout() + s.stderr()).join('\n')
    expect(logs).not.toContain(TOKEN)
    expect(logs).not.toContain(SECRET)
  }, 300_000)
})
