import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { finish, yielder } from '../../src/delivery/yielder.js'

const busy = (ms: number) => {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe('yielder', () => {
  it('returns to the event loop during long background work, so waiting I/O callbacks run in the middle of it', async () => {
    const turn = yielder(4, 20)
    let answered = 0
    let done = false
    const answer = () => {
      answered++
      if (!done) setImmediate(answer)
    }
    setImmediate(answer)
    let answeredMidway = 0
    for (let i = 0; i < 60; i++) {
      busy(0.5)
      await turn.pause()
      if (i === 30) answeredMidway = answered
    }
    done = true
    expect(answeredMidway).toBeGreaterThan(0)
    expect(answered).toBeGreaterThanOrEqual(4)
  })

  it('stays away long enough for work that needs several turns of the loop (a webhook: body, commit, fsync, answer)', async () => {
    const turn = yielder(2)
    busy(3)
    // Something that arrived during the slice and takes five turns to finish.
    let hops = 0
    const hop = () => {
      if (++hops < 5) setImmediate(hop)
    }
    setImmediate(hop)
    await turn.pause()
    expect(hops).toBe(5) // coming back after one turn would leave it at 1, waiting for the next slice
  })

  /**
   * A 25 ms slice, then one pause while other work keeps the loop busy (1 ms at a time, as a stream of webhooks
   * would): how many pieces of that work ran before the worker came back.
   */
  const otherWorkDuringRest = async (maxRestMs: number) => {
    const turn = yielder(2, maxRestMs)
    let count = 0
    let on = true
    const step = () => {
      busy(1)
      count++
      if (on) setImmediate(step)
    }
    setImmediate(step)
    busy(25)
    await turn.pause()
    on = false
    return count
  }

  it('rests longer while other work keeps the loop busy: up to four times its slice', async () => {
    const count = await otherWorkDuringRest(10_000)
    expect(count).toBeGreaterThan(50) // a rest of the slice's 25 ms alone would have let ~25 through
    expect(count).toBeLessThan(400) // ~100: back after 4 × 25 ms, not after maxRestMs (10 s)
  })

  it('never rests longer than maxRestMs', async () => {
    expect(await otherWorkDuringRest(30)).toBeLessThan(70) // ~30; four times the slice would be ~100
  })

  it('comes back after a rest of its own length when the loop is idle meanwhile', async () => {
    const turn = yielder(2, 10_000)
    busy(50)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    await turn.pause()
    clearInterval(timer)
    expect(ticks).toBeLessThan(120) // ~50: nothing else to do, so no reason to stay away the 200 ms it could
  })

  it('does not leave the loop while the slice lasts (short work finishes in one go)', async () => {
    const turn = yielder(1000)
    let ran = false
    setImmediate(() => (ran = true))
    for (let i = 0; i < 10; i++) await turn.pause()
    expect(ran).toBe(false)
  })

  it('finish runs gradual work to its end, returning to the loop between its pieces once the slice is used', async () => {
    function* work() {
      for (let i = 0; i < 20; i++) yield
      return 'done'
    }
    let ran = false
    setImmediate(() => (ran = true))
    expect(await finish(work(), yielder(1000))).toBe('done')
    expect(ran).toBe(false) // within one slice: straight through
    let between = 0
    setImmediate(() => (between = 1))
    function* slow() {
      for (let i = 0; i < 20; i++) {
        busy(0.5)
        yield
      }
      return between
    }
    expect(await finish(slow(), yielder(2))).toBe(1) // the waiting callback ran before the work ended
  })
})
