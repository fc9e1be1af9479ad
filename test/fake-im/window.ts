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

  full(now: number): boolean {
    return this.count(now) >= this.limit
  }

  add(now: number): void {
    this.stamps.push(now)
  }
}
