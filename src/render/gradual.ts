/**
 * Work done in pieces: a generator that yields between them (a digest yields after each rendering it tries). Whoever
 * runs it decides what happens in between: `drain` goes straight through; the delivery worker returns to the event
 * loop once a slice of time is used up (src/delivery/yielder.ts), so a digest of hundreds of events never holds up
 * the webhooks waiting for their 202.
 */
export type Gradual<T> = Generator<void, T, void>

/** Runs gradual work to its end at once. */
export function drain<T>(work: Gradual<T>): T {
  for (;;) {
    const step = work.next()
    if (step.done) return step.value
  }
}
