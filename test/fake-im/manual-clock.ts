import type { Clock } from '../../src/delivery/clock.js'

/** A clock tests move by hand: `advance` fires due timers in time order, so minutes pass instantly. */
export function manualClock(start = Date.UTC(2026, 10, 29, 1, 0, 0)) {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const clock = {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return () => void timers.delete(id)
    },
    /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
    advance(ms: number) {
      const end = now + ms
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!next) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = end
    },
    set(t: number) {
      now = t
    },
  }
  return clock satisfies Clock
}
export type ManualClock = ReturnType<typeof manualClock>
