import { utf8Length } from '../../render/bytes.js'
import type { Content } from '../../render/content.js'
import { layout, shownUrl } from '../../render/layout.js'
import { mentionCount } from '../../render/mentions.js'
import { rendererOf } from '../../render/renderer.js'
import { dingtalkMentions } from './mentions.js'
import type { Shape } from '../../render/shape.js'
import { plain } from '../../render/syntax.js'
import { dingtalkCard, dingtalkMarkdown } from './syntax.js'
import { titleLine } from '../../render/title.js'
import type { RenderTarget, RobotMessage } from '../../render/types.js'
import type { Composer } from '../../render/composer.js'
import type { Mention } from '../../routing.js'

// DingTalk rejects a body over 20 000 bytes (460101 "message too long, exceed 20000 bytes"), the
// whole JSON as sent; the sender adds `"msgUuid":"<uuid>"` (≈ 50 bytes), so we leave it room.
export const DINGTALK_BODY_LIMIT = 20_000
export const MSG_UUID_ROOM = 100

/** The body's size over what DingTalk takes: it fits at ≤ 1. */
export const dingtalkLoad = (m: RobotMessage): number => utf8Length(JSON.stringify(m)) / (DINGTALK_BODY_LIMIT - MSG_UUID_ROOM)

export const dingtalkFits = (m: RobotMessage): boolean => dingtalkLoad(m) <= 1

type MsgType = 'markdown' | 'actionCard' | 'text'

const msgtypeOf = (target: RenderTarget): MsgType => (target.msgtype as MsgType | undefined) ?? 'markdown'
const keywordOf = (target: RenderTarget): string | undefined => target.keyword || undefined

/** One DingTalk body for `c` at `shape`. An actionCard needs a URL for its button; without one it is markdown. */
export function dingtalkMessage(c: Content, shape: Shape, o: { msgtype: MsgType; keyword?: string; mentions: Mention[]; all: boolean }): RobotMessage {
  const button = shownUrl(c.link?.url, shape, { any: false })
  const type = o.msgtype === 'actionCard' && !button ? 'markdown' : o.msgtype
  const m = dingtalkMentions(o.mentions, o.all, shape.mentions, type !== 'text', { cap: shape.cap, sep: c.t.listSep, text: (type === 'text' ? plain : dingtalkMarkdown).text })
  const count = mentionCount(o.mentions, 'dingtalk')
  const extras = { keyword: o.keyword, mentionLine: m.line, mentionCount: count }
  const title = titleLine(c, shape, o.keyword)
  if (type === 'text') return { msgtype: 'text', text: { content: layout(c, shape, plain, extras) }, at: m.at }
  if (type === 'actionCard') {
    const text = layout(c, shape, dingtalkCard, extras)
    const card = { title, text, singleTitle: c.t.label.details, singleURL: button!, btnOrientation: '0' }
    return { msgtype: 'actionCard', actionCard: card, at: m.at }
  }
  return { msgtype: 'markdown', markdown: { title, text: layout(c, shape, dingtalkMarkdown, extras) }, at: m.at }
}

/** DingTalk writes one body per message (markdown by default, or an actionCard, or text), its keyword in it. */
const composer: Composer = {
  platform: 'dingtalk',
  compose(c, o) {
    const opts = { msgtype: msgtypeOf(o.target), keyword: keywordOf(o.target), mentions: o.mentions, all: o.all }
    return (s) => [dingtalkMessage(c, s, opts)]
  },
  valueText: (t) => (msgtypeOf(t) === 'text' ? plain : dingtalkMarkdown).text,
  load: ([m]) => dingtalkLoad(m),
}

export const dingtalk = rendererOf(composer)
