import type { Verdict } from '../common/types.js'

/**
 * WeCom group robot errcodes (https://developer.work.weixin.qq.com/document/path/90313). 45009 "api freq out of
 * limit" is a rolling 60 s window without an extra lockout; -1 is "system busy"; everything else (invalid key 93000,
 * bad payload 40008/40035, too long 40058, …) cannot succeed if sent again.
 */
export function classifyWeCom(errcode: number): Verdict {
  if (errcode === 45009) return { kind: 'rate_limited', waitMs: 60_000 }
  if (errcode === -1) return { kind: 'retry' }
  return { kind: 'permanent' }
}
