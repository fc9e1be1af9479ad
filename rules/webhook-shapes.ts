import type { TargetType } from './schema.js'

/**
 * What each platform's robot webhook and secret look like (research outbound.md §1, §2), so `ci-notify check` can warn
 * about a target of one type given another platform's URL. Only the public API hosts are listed: a proxy or a private
 * deployment's host is nobody's, and is not warned about.
 */
export const WEBHOOK_SHAPES: Record<TargetType, { label: string; hosts: readonly string[]; secretPrefix?: string }> = {
  // oapi.dingtalk.io: the international site's host. The 加签 secret is the SEC… string in the robot's security settings.
  dingtalk: { label: 'DingTalk', hosts: ['oapi.dingtalk.com', 'oapi.dingtalk.io'], secretPrefix: 'SEC' },
  wecom: { label: 'WeCom', hosts: ['qyapi.weixin.qq.com'] },
}

/**
 * The platform whose API host this URL is on, when it is another's than `type`, with that host (one of the listed
 * public hosts, so safe to print: the token is in the path or query); never throws.
 */
export function otherPlatformOf(type: TargetType, url: string): { type: TargetType; host: string } | undefined {
  if (!URL.canParse(url)) return undefined
  const host = new URL(url).hostname.toLowerCase()
  const types = Object.keys(WEBHOOK_SHAPES) as TargetType[]
  const other = types.find((t) => t !== type && WEBHOOK_SHAPES[t].hosts.includes(host))
  return other && { type: other, host }
}
