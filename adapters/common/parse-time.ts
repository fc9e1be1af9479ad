/**
 * One tolerant parser for every time format the CI systems send:
 * - "2016-08-12 15:23:28 UTC"      GitLab pipeline/build times (Ruby Time#to_s through Sidekiq JSON)
 * - "2021-04-28 21:50:00 +0200"    GitLab deployment status_changed_at (server-local offset)
 * - ISO 8601 with or without ms / offset ("2021-02-23T02:41:37.886Z", "2016-08-12T17:23:21+02:00")
 * - epoch milliseconds (Jenkins build.timestamp), as a number or a string of digits (Jenkins XML)
 * Returns ISO-8601 UTC, or undefined when the value is none of these. A time without a zone is read as UTC, never as
 * the server's local time.
 */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Parsed strings, because a pipeline hook repeats the same few times across its builds and parsing is a fifth of
 * the adapter's cost. Bounded: cleared when full (webhooks' times move on; there is no hot set to keep).
 */
const parsed = new Map<string, string | undefined>()
const PARSED_MAX = 4096
/** Longer than any time format here: a webhook's 1 MB "time" is parsed (and refused) but never kept. */
const CACHED_MAX_LENGTH = 40

export function toIsoUtc(value: string | number): string | undefined {
  if (typeof value === 'number') return fromEpochMs(value)
  if (value.length > CACHED_MAX_LENGTH) return parseText(value)
  if (parsed.has(value)) return parsed.get(value)
  const iso = parseText(value)
  if (parsed.size >= PARSED_MAX) parsed.clear()
  parsed.set(value, iso)
  return iso
}

function parseText(value: string): string | undefined {
  const text = value.trim()
  if (/^\d{10,}$/.test(text)) return fromEpochMs(Number(text))
  const m = PATTERN.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'))
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms)
  const date = new Date(utc)
  // Date.UTC rolls 2021-02-31 over into March; a real timestamp never needs that.
  if (date.getUTCDate() !== +d || date.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 60) return undefined
  return new Date(utc - offsetMinutes(zone) * 60_000).toISOString()
}

function offsetMinutes(zone: string): number {
  if (/^(Z|UTC|GMT)$/i.test(zone)) return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
}

function fromEpochMs(ms: number): string | undefined {
  // Before 2001 or past 2286 is not a CI timestamp in milliseconds (likely seconds, or garbage).
  if (!Number.isFinite(ms) || ms < 1e12 || ms > 1e13) return undefined
  return new Date(ms).toISOString()
}

/** Seconds between two ISO times, or undefined when either is missing or the span is negative. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined
  const s = (Date.parse(to) - Date.parse(from)) / 1000
  return s >= 0 ? s : undefined
}
