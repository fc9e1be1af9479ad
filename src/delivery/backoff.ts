/**
 * Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 5 minutes, each drawn from the upper half of its step
 * so retries of many deliveries spread out yet never come back sooner than half the step.
 */
export function backoff(attempt: number, o: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = o.baseMs ?? 1000
  const max = o.maxMs ?? 5 * 60_000
  const step = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)))
  return Math.round(step / 2 + (o.random ?? Math.random)() * (step / 2))
}
