/**
 * Wrong admin tokens, per client address, for the admin API and the console's login alike (one per app, ./admin-token.ts):
 * after `max` wrong ones within `windowMs`, that address is refused — without its token being compared, so a guess
 * made while refused says nothing — until the oldest of them leaves the window. A right token does not clear the
 * count. Per replica and in memory: a restart forgets it. At most `maxClients` addresses are remembered (the one
 * whose last wrong token is oldest goes first), so a stranger cycling addresses costs a bounded map.
 */
export class GuessLimit {
  private readonly wrong = new Map<string, number[]>()

  constructor(private readonly o: { max: number; windowMs: number; now: () => number; maxClients?: number }) {}

  /** Milliseconds until `client` may try again; 0 when it may now. */
  refusedFor(client: string): number {
    const times = this.recent(client)
    return times.length >= this.o.max ? times[times.length - this.o.max] + this.o.windowMs - this.o.now() : 0
  }

  /** Counts one wrong token; true when this one starts a refusal. */
  failed(client: string): boolean {
    const times = [...this.recent(client), this.o.now()]
    this.wrong.delete(client)
    this.wrong.set(client, times)
    if (this.wrong.size > (this.o.maxClients ?? 10_000)) this.wrong.delete(this.wrong.keys().next().value!)
    return times.length === this.o.max
  }

  private recent(client: string): number[] {
    const since = this.o.now() - this.o.windowMs
    const times = (this.wrong.get(client) ?? []).filter((t) => t > since)
    if (times.length === 0) this.wrong.delete(client)
    return times.slice(-this.o.max)
  }
}

/** The limit the app uses: 10 wrong admin tokens a minute per address. */
export const ADMIN_GUESSES = { max: 10, windowMs: 60_000 }
