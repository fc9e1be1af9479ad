import type { Reading, Verdict } from './types.js'

const MINUTE = 60_000

/** An HTTP status that is not the platform's success: 5xx and 408 are transient, 429 waits a minute, the rest is final. */
export function httpVerdict(status: number): Verdict {
  if (status >= 500 || status === 408) return { kind: 'retry' }
  if (status === 429) return { kind: 'rate_limited', waitMs: MINUTE }
  return { kind: 'permanent' }
}

/** A failed reply read by its HTTP status; `errmsg` may add what the body said, when it is safe to show. */
export function httpFailure(status: number, verdict: Verdict = httpVerdict(status), errmsg = `HTTP ${status}`): Reading {
  return { ok: false, verdict, errmsg, label: `http_${status >= 500 ? '5xx' : status}` }
}
