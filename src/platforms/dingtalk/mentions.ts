import type { Mention } from '../../routing.js'
import { mentionLine, people, type Names } from '../../render/mentions.js'

export type DingTalkAt = { atMobiles: string[]; atUserIds: string[]; isAtAll: boolean }

/**
 * DingTalk: `at` decides who is notified, the `@userId` / `@mobile` token in markdown/actionCard text decides that
 * the mention happens at all; the userId is preferred. With isAtAll no individual is listed
 * (they would show as raw numbers), and an actionCard needs the `@所有人` token. `text` messages get the `at`
 * object only: DingTalk appends the mention itself.
 */
export function dingtalkMentions(ms: Mention[], all: boolean, keep: number, withTokens: boolean, names: Names): { at: DingTalkAt; line: string } {
  const ps = people(ms, 'dingtalk').slice(0, keep)
  if (all) return { at: { atMobiles: [], atUserIds: [], isAtAll: true }, line: withTokens ? '@所有人' : '' }
  const at = {
    atMobiles: ps.filter((p) => p.kind === 'mobile').map((p) => p.value),
    atUserIds: ps.filter((p) => p.kind === 'id').map((p) => p.value),
    isAtAll: false,
  }
  const tokens = withTokens ? ps.filter((p) => p.kind !== 'name').map((p) => `@${p.value}`) : []
  return { at, line: mentionLine(tokens, ps, names) }
}
