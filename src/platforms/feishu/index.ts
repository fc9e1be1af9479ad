import type { Platform } from '../common/types.js'
import { feishuDelivery } from './delivery.js'
import { avoidPeak, MIN_GAP_MS } from './pacing.js'
import { feishu as renderer, showFeishu } from './render.js'
import { FeishuTarget } from './target.js'

export const feishu = {
  label: 'Feishu',
  target: FeishuTarget,
  // open.larksuite.com: Lark, the international tenant (same path, same JSON, its own tokens).
  hosts: ['open.feishu.cn', 'open.larksuite.com'],
  // The token after this prefix in the webhook's path is the bot's credential.
  secretPathPrefix: '/open-apis/bot/v2/hook/',
  secrets: (t) => (t.secret ? [t.secret] : []),
  renderer,
  show: showFeishu,
  exampleId: 'ou_zhangsan',
  exampleTarget: { type: 'feishu', webhook: '', rate_per_minute: 20, msgtype: 'post', keyword: 'CI' },
  delivery: feishuDelivery,
  minGapMs: MIN_GAP_MS,
  avoid: avoidPeak,
} satisfies Platform<FeishuTarget>
