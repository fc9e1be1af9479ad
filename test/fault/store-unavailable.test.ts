import type { Source } from './bad-requests.js'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { createApp } from '../../src/http/server.js'

import { SqliteStore } from '../../src/store/sqlite.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { fileDeps } from './app.js'
import { SECRETS, webhook } from './bad-requests.js'

/**
 * When the store cannot take an event, the CI must hear it (503, which GitLab and GitHub record as a failed delivery
 * to resend) and must never get a 202 for an event that was not stored. When the store comes back, the same server
 * takes events again without a restart.
 */
let deps: TestDeps | undefined
const cleanup: (() => void)[] = []
afterEach(async () => {
  await deps?.close()
  deps = undefined
  for (const f of cleanup.splice(0).reverse()) f()
})

const SOURCES = Object.keys(SECRETS) as Source[]

/** Whether this process may mount a tmpfs (root on Linux with the capability): tried once, at collection. */
function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const probe = mkdtempSync(join(tmpdir(), 'ci-notify-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe], { stdio: 'ignore' })
    return true
  } catch {
    // No permission to mount here (an unprivileged container): the disk-full case cannot be staged; vitest shows it skipped.
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

async function post(app: Hono, source: Source, n: number) {
  const r = webhook(source, n)
  const res = await app.request(r.path, { method: 'POST', headers: r.headers, body: r.body })
  return { status: res.status, json: (await res.json()) as { event_id?: string; error?: string; duplicate?: boolean } }
}

describe('store unwritable → 503, never a 202 for an unstored event, recovers by itself', () => {
  it('the database is locked by another writer (a backup, a second process): 503 until the lock goes, then 202', async () => {
    const f = await fileDeps({ settings: { secrets: { ...SECRETS } }, busyTimeoutMs: 20 })
    deps = f.deps
    const app = createApp(deps)
    const other = new Database(f.file)
    cleanup.push(() => other.close())
    other.exec('BEGIN IMMEDIATE')

    for (const source of SOURCES) {
      for (let n = 1; n <= 5; n++) {
        const r = await post(app, source, n)
        expect(r.status).toBe(503)
        expect(r.json.event_id).toBeUndefined()
        expect(r.json.error).toMatch(/store/)
      }
    }
    other.exec('ROLLBACK')

    // Nothing was half-stored: the same deliveries (as the CI resends them) are new events now, accepted once.
    const ids: string[] = []
    for (const source of SOURCES) {
      for (let n = 1; n <= 5; n++) {
        const r = await post(app, source, n)
        expect(r.status).toBe(202)
        ids.push(r.json.event_id!)
      }
    }
    const stored = await deps.store.listEvents(100)
    expect(stored.map((s) => s.event.id).sort()).toEqual(ids.sort())
    expect(stored.every((s) => s.deliveries.length === 1 && s.deliveries[0].status === 'pending')).toBe(true)
    const again = await post(app, 'gitlab', 1)
    expect(again).toMatchObject({ status: 200, json: { duplicate: true } })
  })

  // A real full disk: the store on a 2 MiB tmpfs, the rest of it taken by a filler file. Mounting needs root (as CI
  // runs here); where it cannot mount, the test is reported as skipped.
  it.runIf(canMountTmpfs())('the disk is full: 503 with nothing stored; space freed → 202 again, same process', async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'ci-notify-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt])
    cleanup.push(() => rmSync(mnt, { recursive: true, force: true }))
    cleanup.push(() => execFileSync('umount', ['-l', mnt]))
    mkdirSync(join(mnt, 'data'))
    const store = new SqliteStore(join(mnt, 'data', 'ci-notify.db'))
    const base = await testDeps({ settings: { secrets: { ...SECRETS } } })
    await base.store.close()
    deps = { ...base, store, close: () => store.close() }
    const app = createApp(deps)
    expect((await post(app, 'gitlab', 1)).status).toBe(202)

    // Fill every remaining byte.
    const filler = join(mnt, 'filler')
    const fd = openSync(filler, 'w')
    const block = Buffer.alloc(64 * 1024, 1)
    try {
      for (;;) writeSync(fd, block)
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    try {
      for (;;) writeSync(fd, block, 0, 512)
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    closeSync(fd)

    // Every webhook until the disk has room: 503, never a 202 that was not stored.
    const answers: number[] = []
    for (let n = 2; n <= 40; n++) answers.push((await post(app, 'gitlab', n)).status)
    expect(answers.filter((s) => s !== 503 && s !== 202)).toEqual([])
    expect(answers).toContain(503)
    const storedWhileFull = (await deps.store.listEvents(100)).length
    expect(storedWhileFull).toBe(1 + answers.filter((s) => s === 202).length)

    unlinkSync(filler)
    const after = await post(app, 'gitlab', 1000)
    expect(after.status).toBe(202)
    expect(await deps.store.getEvent(after.json.event_id!)).toBeDefined()
  })
})
