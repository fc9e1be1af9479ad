import { performance } from 'node:perf_hooks'
import type { Gradual } from '../render/gradual.js'

/** One piece of background work's share of the event loop (see yielder). */
export type Turn = { pause(): Promise<void> }

/**
 * Background work (rendering a backlog of hundreds of deliveries) must not hold the event loop while webhooks wait
 * for their 202. `pause()` gives the loop back once the work has run for `sliceMs` since it last resumed, and rests:
 * - at least as long as it held the loop. A webhook needs several turns of the loop (its body, the group commit, the
 *   fsync's callback, the answer); a worker that came back after one turn would stretch each of them by a slice
 *   (bench/README.md, "Figures behind the comments"). In a rest of a slice's length the webhooks that arrived during
 *   the slice finish, unless their fsync takes longer.
 * - longer while other work (webhooks, mostly) keeps the loop more than half busy over the rest: a worker taking
 *   the other half leaves nothing to absorb a burst, so 202s queue behind each other for as long as the digest
 *   lasts. Up to `REST_FACTOR` times the slice, so the worker keeps at
 *   least a fifth of a busy loop (a dry run's backlog, which no robot paces, still moves), and at most `maxRestMs`.
 * "Held the loop": the loop's busy time since the work resumed, at most the time since; on PostgreSQL the work awaits
 * round trips in between, and webhooks run meanwhile.
 */
export function yielder(sliceMs = 4, maxRestMs = MAX_REST_MS, loop: Loop = realLoop): Turn {
  let since = loop.now()
  let resumed = loop.mark()
  return {
    async pause() {
      const ran = loop.now() - since
      if (ran < sliceMs) return
      const held = Math.min(ran, loop.since(resumed).active)
      const cap = Math.min(maxRestMs, REST_FACTOR * held)
      const start = loop.now()
      for (;;) {
        const before = loop.mark()
        await loop.sleep(Math.max(0, Math.min(held, cap - (loop.now() - start))))
        // Written so that a rest with nothing measured (NaN, before the loop has started) counts as not busy.
        if (loop.now() - start >= cap || !(loop.since(before).utilization > BUSY)) break
      }
      since = loop.now()
      resumed = loop.mark()
    },
  }
}

/** What the yielder reads of the event loop: time, how busy the loop was since a mark, and a way to rest. */
export type Loop = {
  now(): number
  mark(): LoopMark
  /** The loop's active milliseconds since `mark`, and the share of that time it was active. */
  since(mark: LoopMark): { active: number; utilization: number }
  sleep(ms: number): Promise<void>
}
export type LoopMark = ReturnType<typeof performance.eventLoopUtilization>

const realLoop: Loop = {
  now: () => performance.now(),
  mark: () => performance.eventLoopUtilization(),
  since: (mark) => performance.eventLoopUtilization(mark),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}

/** The longest rest between two slices, whatever they took. */
const MAX_REST_MS = 100
/** A rest lasts at most this many times the slice before it: the worker's share of a busy loop is at least 1/(1+this). */
const REST_FACTOR = 4
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
