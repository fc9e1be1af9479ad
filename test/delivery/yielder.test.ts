import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { finish, yielder, type Loop } from '../../src/delivery/yielder.js'

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
    // A slice long enough that its rest (as long) outlasts five turns of the loop on a loaded machine too.
    busy(30)
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
   * A simulated loop: time moves only when the work runs (`work`) or rests (`sleep`), and the loop is `busy` (0–1) of
   * every rest with other work. No wall clock: the rests are exact, however loaded the machine running the test.
   */
  function simulatedLoop(busy: number) {
    let t = 0
    let active = 0
    const rests: number[] = []
    const loop: Loop = {
      now: () => t,
      mark: () => ({ idle: t - active, active, utilization: 0 }),
      since: (m) => {
        const a = active - m.active
        const elapsed = t - (m.idle + m.active)
        return { active: a, utilization: elapsed > 0 ? a / elapsed : NaN }
      },
      sleep: async (ms) => {
        rests.push(ms)
        t += ms
        active += ms * busy
      },
    }
    /** The background work itself, holding the loop for `ms` (or, `held` of it, when it awaits a database meanwhile). */
    const work = (ms: number, held = ms) => {
      t += ms
      active += held
    }
    return { loop, work, rests, rested: () => rests.reduce((a, b) => a + b, 0) }
  }

  it('rests as long as its slice held the loop when nothing else wants the loop', async () => {
    const sim = simulatedLoop(0)
    const turn = yielder(2, 10_000, sim.loop)
    sim.work(25)
    await turn.pause()
    expect(sim.rests).toEqual([25])
  })

  it('rests longer while other work keeps the loop busy: up to four times its slice', async () => {
    const sim = simulatedLoop(1)
    const turn = yielder(2, 10_000, sim.loop)
    sim.work(25)
    await turn.pause()
    // A rest of the slice's length, looked at again after each: busy every time, so four of them, then back.
    expect(sim.rests).toEqual([25, 25, 25, 25])
  })

  it('a loop busy less than half the rest counts as free: back after one rest', async () => {
    const sim = simulatedLoop(0.4)
    const turn = yielder(2, 10_000, sim.loop)
    sim.work(25)
    await turn.pause()
    expect(sim.rested()).toBe(25)
  })

  it('never rests longer than maxRestMs', async () => {
    const sim = simulatedLoop(1)
    const turn = yielder(2, 30, sim.loop)
    sim.work(25)
    await turn.pause()
    expect(sim.rests).toEqual([25, 5])
  })

  it('counts only the time it held the loop: a slice spent waiting on a database earns a short rest', async () => {
    const sim = simulatedLoop(1)
    const turn = yielder(2, 10_000, sim.loop)
    sim.work(25, 5) // 25 ms went by, 5 of them on the loop
    await turn.pause()
    expect(sim.rests).toEqual([5, 5, 5, 5])
  })

  it('takes the next slice from when it came back', async () => {
    const sim = simulatedLoop(0)
    const turn = yielder(10, 10_000, sim.loop)
    sim.work(12)
    await turn.pause()
    sim.work(8)
    await turn.pause() // 8 ms since it came back: within the slice
    expect(sim.rests).toEqual([12])
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
