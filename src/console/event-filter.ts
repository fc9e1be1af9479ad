import { SOURCES } from '../../adapters/index.js'
import { KINDS, STATUSES } from '../event.js'
import { PayloadError } from '../errors.js'
import type { StoredEvent } from '../store/types.js'

export const TRANSITIONS = ['broken', 'fixed', 'still_failing', 'first', 'none'] as const
/** The time ranges the list offers, in ms. */
export const SINCE: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 }

export type EventFilter = { source?: string; kind?: string; status?: string; project?: string; branch?: string; transition?: string; since?: string }
export const FILTER_KEYS = ['source', 'kind', 'status', 'project', 'branch', 'transition', 'since'] as const

const CHOICES: Partial<Record<keyof EventFilter, readonly string[]>> = { kind: KINDS, status: STATUSES, transition: TRANSITIONS, since: Object.keys(SINCE) }

/** The sources the list offers: the built-in ones and those the running rules file defines. */
export const sourceChoices = (configured: Record<string, unknown>): string[] => [...SOURCES, ...Object.keys(configured)]

/** The list's query → a filter; an empty value is no filter; a value outside a fixed list is a 400 naming it. */
export function parseFilter(q: Record<string, string | undefined>, sources: readonly string[] = SOURCES): EventFilter {
  const f: EventFilter = {}
  for (const k of FILTER_KEYS) {
    const v = q[k]?.trim()
    if (!v) continue
    const allowed = k === 'source' ? sources : CHOICES[k]
    if (allowed && !allowed.includes(v)) throw new PayloadError(`${k} must be one of ${allowed.join(', ')}; got "${v.slice(0, 40)}"`)
    f[k] = v.slice(0, 200)
  }
  return f
}

/** Whether a stored event passes the filter: project and branch by substring (case-insensitive), the rest exactly. */
export function matchesFilter(s: StoredEvent, f: EventFilter, now: number): boolean {
  const e = s.event
  const has = (value: string | undefined, part: string | undefined) => part === undefined || (value ?? '').toLowerCase().includes(part.toLowerCase())
  if (f.source && e.source !== f.source) return false
  if (f.kind && e.kind !== f.kind) return false
  if (f.status && e.status !== f.status) return false
  if (f.transition && (s.routing.transition ?? 'none') !== f.transition) return false
  if (!has(e.project.path, f.project)) return false
  if (!has(e.branch ?? e.tag ?? e.ref, f.branch)) return false
  if (f.since && Date.parse(e.received_at) < now - SINCE[f.since]) return false
  return true
}
