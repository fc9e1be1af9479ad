import type { Store } from '../store/types.js'

/** How stale a replica's view of the windows may get (as SILENCE_REFRESH_MS): a window another replica opened. */
export const WINDOW_REFRESH_MS = 1000

/**
 * The worker's view of the time intervals' windows whose catch-up is still to be queued (Store.openWindows): read
 * again at most every WINDOW_REFRESH_MS of its clock, or at once after `changed()`. Which replica queues a window's
 * catch-up is decided in the store (Store.queueCatchUp), so every replica may look.
 */
export class HeldWindows {
  private windows: Array<{ id: string; ends_at: number }> = []
  private readAt = -Infinity

  constructor(private readonly store: Pick<Store, 'openWindows'>) {}

  changed(): void {
    this.readAt = -Infinity
  }

  async refresh(now: number): Promise<void> {
    if (now >= this.readAt && now - this.readAt < WINDOW_REFRESH_MS) return
    this.windows = await this.store.openWindows()
    this.readAt = now
  }

  /** Windows that have ended: their catch-up is due. */
  due(now: number): string[] {
    return this.windows.filter((w) => w.ends_at <= now).map((w) => w.id)
  }

  /** The earliest end still ahead: the worker looks again then. */
  nextEnd(now: number): number | undefined {
    return this.windows.find((w) => w.ends_at > now)?.ends_at
  }
}
