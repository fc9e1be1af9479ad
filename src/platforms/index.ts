import { dingtalkDelivery } from './dingtalk/delivery.js'
import type { PlatformDelivery } from './common/types.js'
import { wecomDelivery } from './wecom/delivery.js'

/** A chat platform: everything that is that platform's lives in its folder; this registry is the only list of them. */
export type Platform = { delivery: PlatformDelivery }

/** The chat platforms. Adding one is a folder beside these and one line here. */
export const platforms = {
  dingtalk: { delivery: dingtalkDelivery },
  wecom: { delivery: wecomDelivery },
} as const satisfies Record<string, Platform>

export type PlatformName = keyof typeof platforms
