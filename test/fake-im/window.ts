/** A sliding window of timestamps (ms): how the robot APIs count "20 messages per minute". */
export class SlidingWindow {
  private stamps: number[] = []
  constructor(
    readonly limit: number,
    readonly spanMs: number,
  ) {}

  count(now: number): number {
    this.stamps = this.stamps.filter((t) => now - t < this.spanMs)
    return this.stamps.length
  }

  /** Requests in the last `ms` (at most the window's span). */
  within(now: number, ms: number): number {
    return this.stamps.filter((t) => now - t < Math.min(ms, this.spanMs)).length
  }

  full(now: number): boolean {
    return this.count(now) >= this.limit
  }

  add(now: number): void {
    this.stamps.push(now)
  }
}

/**
 * A fixed window (ms) that opens at the first request after the last one closed and counts `limit` requests:
 * "throttled until the window refreshes" (Teams' connector table). Whether the real windows start at the first
 * request or at a wall-clock boundary is not documented; this fake starts them at the first request.
 */
export class FixedWindow {
  private start = -Infinity
  private used = 0
  constructor(
    readonly limit: number,
    readonly spanMs: number,
  ) {}

  /** Milliseconds until the window reopens, or 0 when a request may pass now. */
  waitMs(now: number): number {
    if (now - this.start >= this.spanMs) return 0
    return this.used >= this.limit ? this.start + this.spanMs - now : 0
  }

  add(now: number): void {
    if (now - this.start >= this.spanMs) {
      this.start = now
      this.used = 0
    }
    this.used++
  }
}

/** A token bucket: `burst` tokens, refilled at `perSecond` (Slack's "1 per second, short bursts allowed"). */
export class TokenBucket {
  private tokens: number
  private at: number | undefined
  constructor(
    readonly burst: number,
    readonly perSecond: number,
  ) {
    this.tokens = burst
  }

  private refill(now: number): void {
    if (this.at !== undefined) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
  }

  /** Takes a token and returns 0, or returns the ms until one is there (taking nothing). */
  take(now: number): number {
    this.refill(now)
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)
  }
}
