import { z } from 'zod'
import { describe as d, targetCommon } from '../common/target.js'

/**
 * A Feishu / Lark custom bot (自定义机器人): https://open.feishu.cn/open-apis/bot/v2/hook/<token> (Lark:
 * open.larksuite.com, same path). The token in the path is its credential. The bot takes 100 messages a minute and
 * 5 a second: rate_per_minute caps the first (default 20, as for the other robots), the platform's least gap between
 * sends (pacing.ts) the second.
 *
 * msgtype `post` (rich text) by default: it has a title, links and real `at` nodes, and needs no client version.
 * `interactive` writes a card in JSON 1.0 (`elements` with `lark_md`): 2.0 needs client ≥ 7.20 (older ones show an
 * "upgrade" placeholder) and rejects any property it does not know, while 1.0 renders on every client.
 */
export const FeishuTarget = z
  .object({
    type: z.literal('feishu'),
    ...targetCommon({ maxRate: 100, defaultRate: 20, label: 'Feishu/Lark bot' }),
    secret: z.string().optional().meta(d('签名校验 secret; empty = bot without signature verification')),
    keyword: z.string().optional().meta(d("The bot's custom keyword, always written into the message")),
    msgtype: z.enum(['post', 'text', 'interactive']).default('post'),
  })
  .strict()
export type FeishuTarget = z.infer<typeof FeishuTarget>
