import type { Logger } from '../log.js'
import type { Store } from '../store/types.js'

const HOUR = 3600_000

/**
 * RETENTION_DAYS: every hour (and a minute after start), delete events older than the setting whose deliveries are
 * all finished, so the store stays bounded. Pending and retrying deliveries are never pruned. A failed prune is
 * logged and tried again next hour; it never stops the service. The store prunes in short batches, so a large
 * backlog may take a while: a run still going when the next is due is left to finish, and close() stops it after
 * its current batch (resolving once it has stopped) so the store is not closed under it.
 */
export function startRetention(o: { store: Store; days: number; log: Logger }): { close(): Promise<void> } {
  const stop = new AbortController()
  let running: Promise<void> | undefined
  const prune = async () => {
    try {
      const r = await o.store.prune(o.days, new Date(), { signal: stop.signal })
      if (r.events || r.deliveries) o.log.info({ ...r, retentionDays: o.days }, 'retention: old events pruned')
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'retention: prune failed; trying again in an hour')
    }
  }
  const run = () => {
    if (running || stop.signal.aborted) return
    running = prune().finally(() => (running = undefined))
  }
  const first = setTimeout(run, 60_000)
  const every = setInterval(run, HOUR)
  first.unref()
  every.unref()
  return {
    async close() {
      clearTimeout(first)
      clearInterval(every)
      stop.abort()
      await running
    },
  }
}
