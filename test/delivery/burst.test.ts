import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, harness, type Harness } from './harness.js'

const TOKEN = 'bursttoken0123456789'
const SECRET = 'SECburst000000000000000000'
let ding: FakeDingTalk
let h: Harness
const acceptedAt = new Map<number, number>()
/** The worker's queue reads: of the head alone, and of a whole batch (hundreds of rows). */
const reads = { head: 0, batch: 0 }

/** The figure the issue asks for: 200 events to one robot inside one simulated minute. */
describe('a burst of 200 events to one DingTalk robot in one minute (real renderer)', () => {
  const clock = manualClock()
  beforeAll(async () => {
    ding = await startFakeDingTalk([{ token: TOKEN, security: { keywords: ['CI'], secret: SECRET }, members: [{ mobile: '13800000000', userId: 'alice' }] }], { clock })
    h = await harness({
      clock,
      renderers: 'real',
      yaml: `
targets:
  ops:
    type: dingtalk
    webhook: "${ding.webhook(TOKEN)}"
    secret: "${SECRET}"
    keyword: CI
people:
  - name: Alice
    gitlab: alice
    mobile: "13800000000"
rules:
  - name: all
    notify: [ops]
    mention: [author]
`,
    })
    const waitingFor = h.store.waitingFor.bind(h.store)
    h.store.waitingFor = (target, limit) => (limit === 1 ? reads.head++ : reads.batch++, waitingFor(target, limit))
    for (let i = 0; i < 200; i++) {
      acceptedAt.set(await h.accept({ status: i % 3 === 0 ? 'success' : 'failed' }), clock.now())
      await h.settle(300, 300) // 200 × 300 ms = one minute
    }
    await h.settle(15 * 60_000, 1_000)
  }, 120_000)
  afterAll(async () => {
    await h.close()
    await ding.close()
  })

  it('covers every event exactly once, within the limits, provoking no rate-limit error', async () => {
    const shown = ding.shown()
    const covered = shown.flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
    const rateLimitErrors = ding.records.filter((r) => r.errcode === 130101 || r.errcode === 410100 || r.http === 302).length
    const digests = (await h.metrics.digests.get()).values.reduce((s, v) => s + v.value, 0)
    const maxPerMinute = Math.max(...shown.map((r) => shown.filter((s) => s.at >= r.at && s.at < r.at + 60_000).length))
    const last = Math.max(...shown.map((r) => r.at)) - clock.now() + 15 * 60_000 + 60_000
    const firstShown = new Map<number, number>()
    for (const r of shown) for (const n of coveredNumbers(JSON.stringify(r.message))) if (!firstShown.has(n)) firstShown.set(n, r.at)
    const latencies = [...firstShown].map(([n, at]) => at - acceptedAt.get(n)!).sort((a, b) => a - b)
    const figures = {
      events: 200,
      messagesSent: shown.length,
      digests,
      eventsCovered: new Set(covered).size,
      eventsShownTwice: covered.length - new Set(covered).size,
      rateLimitErrors,
      requestsRejected: ding.records.filter((r) => r.errcode !== 0).length,
      maxMessagesInAny60s: maxPerMinute,
      lastMessageAfterBurstStartS: Math.round(last / 1000),
      medianEventLatencyS: latencies[Math.floor(latencies.length / 2)] / 1000,
      maxEventLatencyS: latencies[latencies.length - 1] / 1000,
      largestBodyBytes: Math.max(...shown.map((r) => Buffer.byteLength(r.body))),
    }
    console.log('burst figures', JSON.stringify(figures))
    expect(rateLimitErrors).toBe(0)
    expect(figures.requestsRejected).toBe(0)
    expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(digests).toBeGreaterThan(0)
    expect(maxPerMinute).toBeLessThanOrEqual(20)
    expect(figures.largestBodyBytes).toBeLessThanOrEqual(20_000)
    const stats = await h.store.queueStats()
    expect(stats.pending + stats.retrying + stats.dead).toBe(0)
  })

  it('every message carries the keyword, a valid signature and resolved mentions', () => {
    for (const r of ding.shown()) {
      expect(JSON.stringify(r.message)).toContain('CI')
      expect(r.rawQuery).toMatch(/&timestamp=\d+&sign=[^&]+$/)
      expect(r.mentions?.resolved).toContain('mobile:13800000000')
      expect(r.mentions?.unresolved).toEqual([])
    }
  })

  it('keeps the order of events across singles and digests', () => {
    const covered = ding.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
    const firsts = covered.filter((n, i) => covered.indexOf(n) === i)
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b))
  })

  it('reads a held robot\'s queue by its head alone: a whole batch only for a send', () => {
    // Each time the robot's budget is due the worker looks (one row); only a look that leads to a send reads the
    // batch: at most one batch read per post (reading the batch first, as before, made 50 here for 20 posts).
    expect(reads.batch).toBeLessThanOrEqual(ding.records.length)
    expect(reads.head).toBeGreaterThan(reads.batch)
  })
})
