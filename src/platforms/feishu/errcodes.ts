import type { Verdict } from '../common/types.js'

const MINUTE = 60_000

/**
 * Feishu's reply codes (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, "常见问题"). 9499 means
 * two things: "too many request" (throttled) and "Bad Request" (a body it cannot parse, or too big), told apart by
 * msg only. 11232 "frequency limited" is the 100/min and 5/s limit or the load at :00 and :30. 19021 answers a bad
 * signature and a stale timestamp alike: one fresh signature is worth it, a second 19021 is final.
 */
export function classifyFeishu(code: number, msg: string): Verdict {
  if (code === 11232 || (code === 9499 && /too many/i.test(msg))) return { kind: 'rate_limited', waitMs: MINUTE }
  if (code === 2200) return { kind: 'retry' } // internal error, reported under load
  if (code === 19021) return { kind: 'resign' }
  // 9499 Bad Request, 19001 bad token, 19002 msg_type, 19007 bot disabled, 19022 IP, 19024 keyword, 11246 card,
  // 19036 size: the same body cannot succeed.
  return { kind: 'permanent' }
}
