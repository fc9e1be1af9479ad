import { performance } from 'node:perf_hooks'

/**
 * Background work (rendering a backlog of hundreds of deliveries) must not hold the event loop while webhooks wait
 * for their 202. `pause()` returns to the loop once the work has run for `sliceMs` since the last pause, so a
 * webhook waits at most about one slice, whatever the size of the backlog.
 */
export function yielder(sliceMs = 4): { pause(): Promise<void> } {
  let since = performance.now()
  return {
    async pause() {
      if (performance.now() - since < sliceMs) return
      await new Promise<void>((resolve) => setImmediate(resolve))
      since = performance.now()
    },
  }
}
