import { performance } from 'node:perf_hooks'
import type { Gradual } from '../render/gradual.js'

/** One piece of background work's share of the event loop (see yielder). */
export type Turn = { pause(): Promise<void> }

/**
 * Background work (rendering a backlog of hundreds of deliveries) must not hold the event loop while webhooks wait
 * for their 202. `pause()` gives the loop back once the work has run for `sliceMs` since it last resumed, and resumes
 * only after as long again (capped at `MAX_REST_MS`): the work gets at most about half the loop while it lasts.
 *
 * A rest, not one turn of the loop: a webhook needs several turns to be answered (its body, the group commit, the
 * fsync's callback, the answer), and a worker that came back after each turn would stretch every one of them by a
 * slice; measured at 1000 webhooks/s behind a 500-event digest, that made a 202 wait 30–80 ms. In a rest of a slice's
 * length the webhooks that arrived during the slice finish, so one waits about one slice plus one piece at most.
 */
export function yielder(sliceMs = 4): Turn {
  let since = performance.now()
  return {
    async pause() {
      const ran = performance.now() - since
      if (ran < sliceMs) return
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(ran, MAX_REST_MS)))
      since = performance.now()
    },
  }
}

/** A piece that ran long (a collection, a busy machine) is not paid back in full: the backlog must still move. */
const MAX_REST_MS = 20

/** Runs gradual work (src/render/gradual.ts) to its end, pausing at its yields when the slice is used up. */
export async function finish<T>(work: Gradual<T>, turn: Turn): Promise<T> {
  for (;;) {
    const step = work.next()
    if (step.done) return step.value
    await turn.pause()
  }
}
