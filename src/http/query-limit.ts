import { PayloadError } from '../errors.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

/** `?limit=N` of the admin list endpoints: 1..500, 50 when absent; anything else is a 400 naming it. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIMIT) {
    throw new PayloadError(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${raw.slice(0, 20)}"`)
  }
  return n
}
