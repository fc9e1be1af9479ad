import type { Store } from '../store/types.js'

/** How stale a replica's view of the next group or reminder may get (one another replica opened is seen within this). */
export const TIMER_REFRESH_MS = 1000

/**
 * The worker's view of when the next group (group_wait) or reminder (remind_every) falls due, read from the store at
 * most every TIMER_REFRESH_MS of its clock: a group is due at least its wait after it opened, so a second's lag only
 * delays it by as much. When one is due, `run` queues it in the store, which claims it (one replica gets it), and the
 * worker's pass then sends the deliveries queued like any other.
 */
export class DueTimers {
  private next: number | undefined
  private readAt = -Infinity

  constructor(private readonly store: Store) {}

  /** Queues what is due now; the targets that got a group's message or a reminder. */
  async run(now: number): Promise<{ groups: string[]; reminders: string[] }> {
    if (!(now >= this.readAt && now - this.readAt < TIMER_REFRESH_MS)) {
      this.next = await this.store.nextTimer()
      this.readAt = now
    }
    if (this.next === undefined || this.next > now) return { groups: [], reminders: [] }
    const groups = await this.store.flushGroups(now)
    const reminders = await this.store.queueReminders(now)
    this.readAt = -Infinity
    return { groups, reminders }
  }

  /** When the worker should look again: the next one due, or the next refresh while any may come. */
  nextChange(now: number): number | undefined {
    return this.next !== undefined && this.next > now ? this.next : undefined
  }
}
