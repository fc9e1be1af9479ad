const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * A Go-style duration (`30s`, `5m`, `2h`, `1h30m`, `1.5h`; units ms, s, m, h, as Alertmanager and Prometheus write
 * them) in ms. Undefined when the text is not one, or is not positive.
 */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined
  let ms = 0
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) ms += Number(n) * UNITS[unit]
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined
}
