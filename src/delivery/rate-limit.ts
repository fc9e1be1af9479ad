/**
 * A per-robot budget of sends: each send takes a token that comes back one window (60 s) later. The robots count
 * a sliding 60 s window (at most 20 sends per robot per minute, DingTalk and WeCom alike); a classic bucket that
 * refills 1 token every 3 s would allow
 * 20 + 20 sends inside one minute and provoke DingTalk's 10-minute block. A send counts from when its answer
 * arrives (the server saw it no later than that), plus a margin for the robot's clock.
 */
export class RateLimit {
  private sends = new Map<string, number[]>()

  constructor(
    private readonly windowMs = 60_000,
    private readonly marginMs = 1_000,
  ) {}

  private recent(target: string, now: number): number[] {
    const span = this.windowMs + this.marginMs
    const kept = (this.sends.get(target) ?? []).filter((t) => now - t < span)
    this.sends.set(target, kept)
    return kept
  }

  /** Sends allowed right now. */
  available(target: string, perWindow: number, now: number): number {
    return Math.max(0, perWindow - this.recent(target, now).length)
  }

  /** When `n` sends (n ≤ perWindow) will be allowed. */
  readyAt(target: string, perWindow: number, n: number, now: number): number {
    const used = this.recent(target, now)
    const mustExpire = used.length + n - perWindow
    if (mustExpire <= 0) return now
    return used[mustExpire - 1] + this.windowMs + this.marginMs
  }

  /**
   * When the next send should go. At once while more than half the budget is left; after that the rest is spread
   * evenly until the oldest send leaves the window, so a long burst becomes a digest every few seconds instead of
   * 20 lone messages followed by a minute of silence. Never sooner than `minGapMs` after the last send.
   */
  paceAt(target: string, perWindow: number, now: number, minGapMs = 0): number {
    const used = this.recent(target, now)
    const last = used.at(-1)
    // The platform's per-second limit: never closer to the last send than its least gap.
    const gapped = last === undefined ? now : Math.max(now, last + minGapMs)
    const left = perWindow - used.length
    if (left > perWindow / 2) return gapped
    if (left <= 0) return Math.max(gapped, this.readyAt(target, perWindow, 1, now))
    const freeAt = used[0] + this.windowMs + this.marginMs
    return Math.max(gapped, Math.ceil(last! + (freeAt - last!) / left))
  }

  /** The send times still inside the window, for a store shared by several replicas (src/store/types.ts BucketState). */
  snapshot(target: string, now: number): number[] {
    return [...this.recent(target, now)]
  }

  /** Adopt what another replica (or an earlier process) recorded for this robot: the union of both. */
  merge(target: string, sends: number[]): void {
    const mine = this.sends.get(target) ?? []
    this.sends.set(target, [...new Set([...mine, ...sends])].sort((a, b) => a - b))
  }

  take(target: string, at: number): void {
    const list = this.sends.get(target) ?? []
    list.push(at)
    list.sort((a, b) => a - b)
    this.sends.set(target, list)
  }
}
