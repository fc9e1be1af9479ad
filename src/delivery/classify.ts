/**
 * The one table that says what a failed robot call means (outbound.md §1.8, §2.6, §7). Key off errcode only:
 * errmsg has had three formats. The single exception is DingTalk 310000, which covers keyword, signature, IP and
 * timestamp failures alike; only "invalid timestamp" (clock skew, stale signature) is worth one fresh signature.
 */
export type Verdict =
  | { kind: 'retry' }
  | { kind: 'rate_limited'; waitMs: number }
  | { kind: 'resign' }
  | { kind: 'permanent' }

const MINUTE = 60_000

/** Rate limits: how long the robot refuses us. */
const RATE_LIMITED: Record<number, number> = {
  130101: 10 * MINUTE, // DingTalk "send too fast, exceed 20 times per minute": blocked for 10 minutes
  410100: 10 * MINUTE, // DingTalk 发送速度太快而限流 (same block, newer code)
  45009: MINUTE, // WeCom "api freq out of limit": a rolling 60 s window, no extra lockout
  90030: 60 * MINUTE, // DingTalk "webhook over limit": paid quota; not back within minutes
}

/** Transient on the robot's side. */
const RETRY = new Set([-1]) // DingTalk 系统繁忙 / WeCom system busy

export function classifyErrcode(errcode: number, errmsg: string): Verdict {
  const wait = RATE_LIMITED[errcode]
  if (wait !== undefined) return { kind: 'rate_limited', waitMs: wait }
  if (RETRY.has(errcode)) return { kind: 'retry' }
  if (errcode === 310000 && /timestamp/i.test(errmsg) && !/sign not match/i.test(errmsg)) return { kind: 'resign' }
  // Bad token, keyword, signature, IP, dissolved group, disabled robot, moderation, payload shape or size:
  // sending the same thing again cannot succeed.
  return { kind: 'permanent' }
}

export function classifyHttp(status: number): Verdict {
  if (status >= 500) return { kind: 'retry' }
  // One report has DingTalk answering 302 during the 10-minute block (outbound.md §1.7, unverified).
  if (status === 302) return { kind: 'rate_limited', waitMs: 10 * MINUTE }
  if (status === 429) return { kind: 'rate_limited', waitMs: MINUTE }
  if (status === 408) return { kind: 'retry' }
  return { kind: 'permanent' }
}
