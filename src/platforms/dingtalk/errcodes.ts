import type { Verdict } from '../common/types.js'

const MINUTE = 60_000

/** Rate limits: how long the robot refuses us. */
const RATE_LIMITED: Record<number, number> = {
  130101: 10 * MINUTE, // "send too fast, exceed 20 times per minute": blocked for 10 minutes
  410100: 10 * MINUTE, // 发送速度太快而限流 (same block, newer code)
  90030: 60 * MINUTE, // "webhook over limit": the paid monthly quota; not back within minutes
}

/**
 * DingTalk's errcodes (https://open.dingtalk.com/document/orgapp/custom-robot-access). Key off errcode only: errmsg
 * has had three formats. The one exception is 310000, which covers keyword, signature, IP and timestamp failures
 * alike; only "invalid timestamp" (clock skew, a stale signature) is worth one fresh signature.
 */
export function classifyDingTalk(errcode: number, errmsg: string): Verdict {
  const wait = RATE_LIMITED[errcode]
  if (wait !== undefined) return { kind: 'rate_limited', waitMs: wait }
  if (errcode === -1) return { kind: 'retry' } // 系统繁忙
  if (errcode === 310000 && /timestamp/i.test(errmsg) && !/sign not match/i.test(errmsg)) return { kind: 'resign' }
  // Bad token, keyword, signature, IP, dissolved group, disabled robot, moderation, payload shape or size:
  // sending the same thing again cannot succeed.
  return { kind: 'permanent' }
}
