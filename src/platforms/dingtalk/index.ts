import { dingtalk as renderer } from './render.js'
import type { Platform } from '../common/types.js'
import { dingtalkDelivery } from './delivery.js'
import { DingTalkTarget } from './target.js'

export const dingtalk = {
  label: 'DingTalk',
  target: DingTalkTarget,
  // oapi.dingtalk.io: the international site's host.
  hosts: ['oapi.dingtalk.com', 'oapi.dingtalk.io'],
  secretPrefix: {
    prefix: 'SEC',
    where: "the DingTalk robot's 加签 secret is the SEC… string in its security settings (with another, every message is refused: 310000 sign not match)",
  },
  secrets: (t) => (t.secret ? [t.secret] : []),
  renderer,
  exampleId: 'zhangsan01',
  exampleTarget: { type: 'dingtalk', webhook: '', rate_per_minute: 20, msgtype: 'markdown', keyword: 'CI' },
  delivery: dingtalkDelivery,
} satisfies Platform<DingTalkTarget>
