import type { Problem } from '../../rules/problems.js'
import type { Logger } from '../log.js'
import type { Store } from '../store/types.js'
import { compileSilence, type CompiledSilence } from './matcher.js'

/** How stale a replica's view of the silences may get: one created on another replica applies here within this. */
export const SILENCE_REFRESH_MS = 1000

/**
 * The worker's view of the silences in the store: read again at most every SILENCE_REFRESH_MS of its clock, or at
 * once after `changed()` (this process created or expired one). Every replica reads the same rows, so all of them
 * mute alike; a silence's catch-up is claimed in the store (Store.queueCatchUp), so only one of them queues it.
 */
export class SilenceBook {
  private silences: CompiledSilence[] = []
  private readAt = -Infinity

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  changed(): void {
    this.readAt = -Infinity
  }

  async refresh(now: number): Promise<void> {
    if (now >= this.readAt && now - this.readAt < SILENCE_REFRESH_MS) return
    this.silences = (await this.store.listSilences({ endedAfter: now })).map((s) => {
      const problems: Problem[] = []
      const c = compileSilence(s, problems)
      // Only a silence stored by a version that read matchers differently: it mutes nothing rather than everything.
      if (problems.length) this.log.warn({ silence: s.id, problems: problems.map((p) => p.message) }, 'silence matchers do not compile; it mutes nothing')
      return c
    })
    this.readAt = now
  }

  /** The silences active now that cover this target (its matchers still to be tested against each event). */
  covering(target: string, now: number): CompiledSilence[] {
    return this.silences.filter((s) => s.starts_at <= now && now < s.ends_at && (!s.targets || s.targets.includes(target)))
  }

  /** Ended silences with a catch-up not yet queued (by this replica or another). */
  catchUpsDue(now: number): string[] {
    return this.silences.filter((s) => s.catch_up && s.caught_up_at === undefined && s.ends_at <= now).map((s) => s.id)
  }

  /** The next moment a silence starts or ends: the worker looks again then. */
  nextChange(now: number): number | undefined {
    let next: number | undefined
    for (const s of this.silences) for (const t of [s.starts_at, s.ends_at]) if (t > now && (next === undefined || t < next)) next = t
    return next
  }
}
