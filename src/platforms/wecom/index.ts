import { wecom as renderer } from './render.js'
import type { Platform } from '../common/types.js'
import { wecomDelivery } from './delivery.js'
import { WeComTarget } from './target.js'

export const wecom = {
  label: 'WeCom',
  target: WeComTarget,
  hosts: ['qyapi.weixin.qq.com'],
  secrets: () => [],
  renderer,
  exampleId: 'ZhangSan',
  exampleTarget: { type: 'wecom', webhook: '', rate_per_minute: 20, msgtype: 'markdown' },
  delivery: wecomDelivery,
} satisfies Platform<WeComTarget>
