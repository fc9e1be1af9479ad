import { performance } from 'node:perf_hooks'
import type { Gradual } from '../render/gradual.js'

/** One piece of background work's share of the event loop (see yielder). */
export type Turn = { pause(): Promise<void> }

/**
 * Background work (rendering a backlog of hundreds of deliveries) must not hold the event loop while webhooks wait
 * for their 202. `pause()` returns to the loop once the work has run for `sliceMs` since the last pause, so a
 * webhook waits at most about one slice, whatever the size of the backlog.
 */
export function yielder(sliceMs = 4): Turn {
  let since = performance.now()
  return {
    async pause() {
      if (performance.now() - since < sliceMs) return
      await new Promise<void>((resolve) => setImmediate(resolve))
      since = performance.now()
    },
  }
}

/** Runs gradual work (src/render/gradual.ts) to its end, pausing at its yields when the slice is used up. */
export async function finish<T>(work: Gradual<T>, turn: Turn): Promise<T> {
  for (;;) {
    const step = work.next()
    if (step.done) return step.value
    await turn.pause()
  }
}
