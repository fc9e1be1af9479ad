import type { Mention } from '../../routing.js'
import { mentionLine, people, type Names } from '../../render/mentions.js'

export type WeComMentions = { ids: string[]; mobiles: string[]; all: boolean; line: string }

/**
 * WeCom: markdown takes only inline `<@userid>`; a person known only by mobile, and @all, need the lists of a `text`
 * message. `line` is what the markdown (or a text body) shows.
 */
export function wecomMentions(ms: Mention[], all: boolean, keep: number, inline: boolean, names: Names): WeComMentions {
  const ps = people(ms, 'wecom').slice(0, keep)
  const ids = ps.filter((p) => p.kind === 'id').map((p) => p.value)
  const line = mentionLine(inline ? ids.map((id) => `<@${id}>`) : [], ps, names)
  return { ids, mobiles: ps.filter((p) => p.kind === 'mobile').map((p) => p.value), all, line }
}
