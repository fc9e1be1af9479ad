import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { createApp } from '../../src/http/server.js'
import { CommonEvent } from '../../src/event.js'
import type { TestDeps } from '../helpers/deps.js'
import { fileDeps } from './app.js'
import { badRequests, CATEGORIES, SECRETS, type BadRequest, type Category } from './bad-requests.js'

// A real GC before each heap reading: without it the figures are noise.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const heapMb = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}

let deps: TestDeps
let app: Hono
beforeAll(async () => {
  ;({ deps } = await fileDeps({ settings: { secrets: { ...SECRETS } } }))
  app = createApp(deps)
})
afterAll(() => deps.close())

type Answer = { category: Category; source: string; status: number; json: Record<string, unknown> }

async function send(r: BadRequest): Promise<Answer> {
  const res = await app.request(r.path, { method: 'POST', headers: r.headers, body: r.body })
  return { category: r.category, source: r.source, status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** Sends the generated set 32 at a time (as a busy CI fleet would) and tallies the answers. */
async function run(seed: number, scale: number) {
  const byCategory = new Map<Category, Map<number, number>>()
  const accepted: string[] = []
  const problems: string[] = []
  const tally = (a: Answer) => {
    const m = byCategory.get(a.category) ?? new Map<number, number>()
    byCategory.set(a.category, m.set(a.status, (m.get(a.status) ?? 0) + 1))
    if (a.status === 202) accepted.push(String(a.json.event_id))
    if (a.status >= 500) problems.push(`${a.category} ${a.source}: ${a.status} ${JSON.stringify(a.json).slice(0, 200)}`)
    // Every rejection is JSON naming its problem.
    if (a.status >= 400 && typeof a.json.error !== 'string') problems.push(`${a.category} ${a.source}: ${a.status} without an error message`)
  }
  let batch: Promise<Answer>[] = []
  for (const r of badRequests(seed, scale)) {
    batch.push(send(r))
    if (batch.length === 32) (await Promise.all(batch.splice(0))).forEach(tally)
  }
  ;(await Promise.all(batch)).forEach(tally)
  return { byCategory, accepted, problems }
}

describe('10 000 generated bad requests (broken JSON, wrong types, huge strings, deep nesting, invalid UTF-8, wrong secrets, bad headers, over the limit)', () => {
  it('never a 5xx, each category gets only its expected answers, only valid events are stored, memory returns to its baseline', { timeout: 180_000 }, async () => {
    const crashes: unknown[] = []
    const onCrash = (err: unknown) => crashes.push(err)
    process.on('unhandledRejection', onCrash)
    process.on('uncaughtException', onCrash)

    // Warm up the same way (module init, JIT, SQLite statement cache, buffers) before the baseline.
    const warm = await run(1, 0.05)
    deps.logs.length = 0
    const before = heapMb()
    const { byCategory, accepted, problems } = await run(20261129, 1)
    deps.logs.length = 0
    const after = heapMb()
    process.off('unhandledRejection', onCrash)
    process.off('uncaughtException', onCrash)

    expect(crashes).toEqual([])
    expect(problems).toEqual([])
    const counts = Object.fromEntries([...byCategory].map(([c, m]) => [c, [...m.values()].reduce((a, b) => a + b, 0)]))
    expect(counts).toEqual(Object.fromEntries(Object.entries(CATEGORIES).map(([c, { count }]) => [c, count])))
    for (const [category, byStatus] of byCategory) {
      const unexpected = [...byStatus.keys()].filter((s) => !CATEGORIES[category].allowed.includes(s))
      expect({ category, unexpected }).toEqual({ category, unexpected: [] })
    }
    expect(byCategory.get('wrong_auth')?.get(401)).toBe(CATEGORIES.wrong_auth.count)

    // What was stored is exactly what got a 202, and every stored event is a valid common event.
    const stored = await deps.store.listEvents(20_000)
    expect(stored.map((s) => s.event.id).sort()).toEqual([...warm.accepted, ...accepted].sort())
    for (const s of stored) expect(() => CommonEvent.parse(s.event)).not.toThrow()

    // Memory: several hundred MB of bodies went through; the heap is back near where it started.
    expect(after - before).toBeLessThan(16)
  })
})
