const SECOND = 1000
const HOUR = 3_600_000

/**
 * How long a reply's `Retry-After` asks to wait, kept within a second and an hour: a longer wait is asked again by
 * the next refused send, and a shorter one is no wait at all. Only the delay-seconds form is read (the robots send
 * it; an HTTP-date would need the robot's clock): `fallbackMs` when the header is missing or in another form.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, fallbackMs: number): number {
  const raw = headers['retry-after']
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  if (!value || !/^\d+$/.test(value)) return fallbackMs
  return Math.min(HOUR, Math.max(SECOND, Number(value) * SECOND))
}
