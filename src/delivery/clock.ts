/** Time as the worker sees it; tests inject a manual clock so nothing waits for real minutes. */
export type Clock = {
  now(): number
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms))
    // The HTTP server keeps the process alive; a pending retry timer must not.
    t.unref()
    return () => clearTimeout(t)
  },
}
