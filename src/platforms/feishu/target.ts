import { z } from 'zod'
import { describe as d, targetCommon } from '../common/target.js'

/**
 * A Feishu / Lark custom bot (自定义机器人): https://open.feishu.cn/open-apis/bot/v2/hook/<token> (Lark:
 * open.larksuite.com, same path). The token in the path is its credential. The bot takes 100 messages a minute and
 * 5 a second. The shared rate limit (src/delivery/rate-limit.ts) counts per minute only and sends up to half the
 * budget at once, so the default of 10 keeps a burst at ≤ 5 sends at once, inside 5/s; a higher rate_per_minute may
 * meet 11232 "frequency limited" in a burst (waited out, then digested).
 *
 * msgtype `post` (rich text) by default: it has a title, links and real `at` nodes, and needs no client version.
 * `interactive` writes a card in JSON 1.0 (`elements` with `lark_md`): 2.0 needs client ≥ 7.20 (older ones show an
 * "upgrade" placeholder) and rejects any property it does not know, while 1.0 renders on every client.
 */
export const FeishuTarget = z
  .object({
    type: z.literal('feishu'),
    ...targetCommon({ maxRate: 100, defaultRate: 10, label: 'Feishu/Lark bot' }),
    secret: z.string().optional().meta(d('签名校验 secret; empty = bot without signature verification')),
    keyword: z.string().optional().meta(d("The bot's custom keyword, always written into the message")),
    msgtype: z.enum(['post', 'text', 'interactive']).default('post'),
  })
  .strict()
export type FeishuTarget = z.infer<typeof FeishuTarget>
