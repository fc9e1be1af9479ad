/** The shape of a Go-style duration, whatever its value (`0s` has it, and is refused by parseGoDuration). */
export const GO_DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A Go-style duration (`30s`, `5m`, `2h`, `1h30m`, `1.5h`; units ms, s, m, h, as Alertmanager and Prometheus write
 * them, and `d` as Prometheus also takes it) in ms. Undefined when the text is not one, or is not positive. The one
 * duration reader: silences, the rules file (`group_wait`, `remind_every`) and the settings all read durations here.
 */
export function parseGoDuration(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined
  let ms = 0
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(n) * UNITS[unit]
  // Rounded first: `0.4ms` is 0 ms, which is not positive.
  const whole = Math.round(ms)
  return whole > 0 && Number.isFinite(whole) ? whole : undefined
}
