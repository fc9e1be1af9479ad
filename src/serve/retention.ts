import type { Logger } from '../log.js'
import type { Store } from '../store/types.js'

const HOUR = 3600_000

/**
 * RETENTION_DAYS: every hour (and a minute after start), delete events older than the setting whose deliveries are
 * all finished, so the store stays bounded. Pending and retrying deliveries are never pruned. A failed prune is
 * logged and tried again next hour; it never stops the service.
 */
export function startRetention(o: { store: Store; days: number; log: Logger }): { close(): void } {
  const run = async () => {
    try {
      const r = await o.store.prune(o.days)
      if (r.events || r.deliveries) o.log.info({ ...r, retentionDays: o.days }, 'retention: old events pruned')
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'retention: prune failed; trying again in an hour')
    }
  }
  const first = setTimeout(run, 60_000)
  const every = setInterval(run, HOUR)
  first.unref()
  every.unref()
  return {
    close() {
      clearTimeout(first)
      clearInterval(every)
    },
  }
}
