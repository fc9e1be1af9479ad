import { performance } from 'node:perf_hooks'
import type { Gradual } from '../render/gradual.js'

/** One piece of background work's share of the event loop (see yielder). */
export type Turn = { pause(): Promise<void> }

/**
 * Background work (rendering a backlog of hundreds of deliveries) must not hold the event loop while webhooks wait
 * for their 202. `pause()` gives the loop back once the work has run for `sliceMs` since it last resumed, and rests:
 * - at least as long as it ran. A webhook needs several turns of the loop (its body, the group commit, the fsync's
 *   callback, the answer); a worker that came back after one turn would stretch each of them by a slice (measured at
 *   1000 webhooks/s behind a 500-event digest: 202s waited 30–80 ms). In a rest of a slice's length the webhooks
 *   that arrived during the slice finish.
 * - longer while the loop stays busy with other work (its utilisation over the rest above `BUSY`): at 1000 webhooks/s
 *   they take about half the loop, and a worker taking the other half left nothing to absorb a burst, so 202s queued
 *   behind each other for as long as the digest lasted. The webhooks come first; the worker still gets a slice every
 *   `maxRestMs`, so the backlog keeps moving (it is paced by the robots' 20 messages a minute anyway).
 */
export function yielder(sliceMs = 4, maxRestMs = MAX_REST_MS): Turn {
  let since = performance.now()
  return {
    async pause() {
      const ran = performance.now() - since
      if (ran < sliceMs) return
      backgroundMs += ran
      const start = performance.now()
      for (;;) {
        const before = { loop: performance.eventLoopUtilization(), background: backgroundMs }
        const left = maxRestMs - (performance.now() - start)
        await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.min(ran, left))))
        if (performance.now() - start >= maxRestMs) break
        // Other work: the loop's busy time minus the slices of background work (other targets' digests) meanwhile.
        const loop = performance.eventLoopUtilization(before.loop)
        if ((loop.active - (backgroundMs - before.background)) / (loop.active + loop.idle) < BUSY) break
      }
      since = performance.now()
    },
  }
}

/** Time spent in slices of background work, all yielders together (see pause()). */
let backgroundMs = 0
/** The longest rest between two slices: the worker's share of a saturated loop is about `sliceMs` in this. */
const MAX_REST_MS = 100
/** The loop's utilisation during a rest above which other work is taken to be waiting for it. */
const BUSY = 0.5

/** Runs gradual work (src/render/gradual.ts) to its end, pausing at its yields when the slice is used up. */
export async function finish<T>(work: Gradual<T>, turn: Turn): Promise<T> {
  for (;;) {
    const step = work.next()
    if (step.done) return step.value
    await turn.pause()
  }
}
