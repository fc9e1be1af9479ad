import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { drain } from '../../src/render/gradual.js'
import { longestFit } from '../../src/render/longest-fit.js'

/** A part's load as the digest sees it: a fixed head, then each event's line, over a limit of `limit` bytes. */
function loads(head: number, lines: number[], limit: number) {
  const sums = [head]
  for (const l of lines) sums.push(sums.at(-1)! + l)
  const calls: number[] = []
  const load = (start: number) => (end: number) => {
    calls.push(end - start)
    return (sums[end] - sums[start] + head) / limit
  }
  return { load, calls }
}

/** The answer by walking every count: the most events from `start` whose part fits, at least one. */
function walk(n: number, start: number, load: (end: number) => number): number {
  let best = start + 1
  for (let end = start + 1; end <= n; end++) if (load(end) <= 1) best = end
  return best
}

const lineBytes = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 60, max: 140 }) }, // an ordinary line
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) }, // a long link, a tiny line, or none (a flat load)
)

describe('longestFit', () => {
  it('finds the longest part that fits, exactly as walking every count does', () => {
    fc.assert(
      fc.property(fc.array(lineBytes, { minLength: 1, maxLength: 600 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 200, max: 20_000 }), (lines, head, limit) => {
        const n = lines.length
        for (let start = 0; start < n; start = drain(longestFit(n, start, loads(head, lines, limit).load(start)))) {
          const expected = walk(n, start, loads(head, lines, limit).load(start))
          expect(drain(longestFit(n, start, loads(head, lines, limit).load(start)))).toBe(expected)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('finds it too when the load is the larger of two (WeCom: the markdown, or the text that carries mentions)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lineBytes, fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 300 }), (lines) => {
        const n = lines.length
        const md = loads(50, lines.map(([l]) => l), 4096)
        const text = loads(20, lines.map(([, m]) => m), 2048)
        const load = (start: number) => (end: number) => Math.max(md.load(start)(end), text.load(start)(end))
        for (let start = 0; start < n; start = walk(n, start, load(start))) {
          expect(drain(longestFit(n, start, load(start)))).toBe(walk(n, start, load(start)))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('always ends, with at least one event and at most all, whatever the load does', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 2, maxLength: 400 }), fc.nat(), (values, s) => {
        const n = values.length - 1
        const start = s % n
        const work = longestFit(n, start, (end) => values[end])
        let steps = 0
        let r = work.next()
        for (; !r.done; r = work.next()) expect(++steps).toBeLessThan(4 * n + 10)
        expect(r.value).toBeGreaterThanOrEqual(start + 1)
        expect(r.value).toBeLessThanOrEqual(n)
      }),
      { numRuns: 500 },
    )
  })

  it('does not creep when the first lines are long and the rest short: the steps double', () => {
    // 64 lines of 250 bytes fill 80 % of the limit; the next 436 are 20 bytes: the first stretch overstates a line 12×
    const lines = [...Array.from({ length: 64 }, () => 250), ...Array.from({ length: 436 }, () => 20)]
    const { load, calls } = loads(0, lines, 20_000)
    expect(drain(longestFit(500, 0, load(0)))).toBe(walk(500, 0, loads(0, lines, 20_000).load(0)))
    expect(calls.length).toBeLessThanOrEqual(12)
  })

  it('renders a part of hundreds of events four or five times, most of them near its final length', () => {
    // 500 lines of ~100 bytes against DingTalk's ~19 900: about 190 per message.
    const lines = Array.from({ length: 500 }, (_, k) => 90 + ((k * 37) % 25))
    const { load, calls } = loads(300, lines, 19_900)
    const end = drain(longestFit(500, 0, load(0)))
    expect(load(0)(end)).toBeLessThanOrEqual(1)
    expect(load(0)(end + 1)).toBeGreaterThan(1)
    calls.length -= 2
    expect(calls.length).toBeLessThanOrEqual(5)
    // what doubling then halving cost: ~10× the part; this: the first stretch, one event, then probes near the end
    expect(calls.reduce((a, b) => a + b, 0)).toBeLessThan(4 * end)
  })

  it('renders once when everything left fits, and stops at one event that does not fit alone', () => {
    const few = loads(100, [100, 100, 100], 10_000)
    expect(drain(longestFit(3, 0, few.load(0)))).toBe(3)
    expect(few.calls).toEqual([3])
    const huge = loads(100, [50_000, 100, 100], 10_000)
    expect(drain(longestFit(3, 0, huge.load(0)))).toBe(1)
  })

  it('yields after each rendering, so the caller can give the event loop back between them', () => {
    const lines = Array.from({ length: 500 }, () => 100)
    const { load, calls } = loads(300, lines, 19_900)
    const work = longestFit(500, 0, load(0))
    let yields = 0
    while (!work.next().done) yields++
    expect(yields).toBeGreaterThanOrEqual(calls.length - 1) // the one-event rendering is too small to pause after
    expect(yields).toBeGreaterThan(1)
  })
})
