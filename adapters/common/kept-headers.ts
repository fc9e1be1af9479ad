import type { Adapter } from './types.js'

/** The request headers an event keeps for the console and `GET /api/events/:id`: name (lower case) → value. */
export type KeptHeaders = Record<string, string>

/** Besides the source's own event and delivery headers: what tells who sent it and how. */
const ALWAYS = ['content-type', 'user-agent']
/** Never kept, whatever a source declares: credentials travel in these. */
const NEVER = /auth|cookie|token|secret|signature|password|credential|api[-_]?key|access[-_]?key|session/i
const MAX_VALUE = 200

/**
 * The headers that say what a webhook was — its event type, delivery id, content type and sender — as the source
 * declares them (adapters/index.ts, or a source defined in the rules file), and nothing else: never the header its
 * secret travels in, nor any header named like a credential. A value (a byte string) longer than 200 characters is
 * cut to 200 and marked with "…"; a header the request lacks is absent (so none present is `{}`).
 */
export function keptHeaders(adapter: Pick<Adapter, 'auth' | 'event' | 'deliveryHeaders'>, headers: Headers): KeptHeaders {
  const secretHeader = 'header' in adapter.auth.credential ? adapter.auth.credential.header?.toLowerCase() : undefined
  const names = [...ALWAYS, adapter.event?.header, ...adapter.deliveryHeaders]
  const kept = new Map<string, string>()
  for (const name of names) {
    const lower = name?.toLowerCase()
    if (!lower || lower === secretHeader || NEVER.test(lower) || kept.has(lower)) continue
    const value = headers.get(lower)
    if (value === null) continue
    kept.set(lower, value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) + '…' : value)
  }
  return Object.fromEntries(kept)
}
