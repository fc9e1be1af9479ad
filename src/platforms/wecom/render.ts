import type { Mention } from '../../routing.js'
import { utf8Length } from '../../render/bytes.js'
import type { Content } from '../../render/content.js'
import { layout } from '../../render/layout.js'
import { mentionCount } from '../../render/mentions.js'
import { rendererOf } from '../../render/renderer.js'
import { wecomMentions, type WeComMentions } from './mentions.js'
import type { Shape } from '../../render/shape.js'
import { plain } from '../../render/syntax.js'
import { wecomMarkdown } from './syntax.js'
import { titleLine } from '../../render/title.js'
import type { RobotMessage } from '../../render/types.js'
import type { Composer } from '../../render/composer.js'

// WeCom: "markdown.content exceed max length 4096" and text "最长不超过2048个字节", both UTF-8 bytes.
export const WECOM_MARKDOWN_LIMIT = 4096
export const WECOM_TEXT_LIMIT = 2048

type Body = { msgtype: string; markdown?: { content: string }; text?: { content: string } }

/** The largest of the messages' sizes over what WeCom takes for their type: they all fit at ≤ 1. */
export const wecomLoad = (ms: RobotMessage[]): number =>
  Math.max(
    0,
    ...ms.map((m) => {
      const b = m as Body
      if (b.markdown) return utf8Length(b.markdown.content) / WECOM_MARKDOWN_LIMIT
      if (b.text) return utf8Length(b.text.content) / WECOM_TEXT_LIMIT
      return 0
    }),
  )

export const wecomFits = (ms: RobotMessage[]): boolean => wecomLoad(ms) <= 1

/** A text message carrying the mention lists (only non-empty lists are sent). */
export function wecomText(content: string, m: Pick<WeComMentions, 'ids' | 'mobiles' | 'all'>): RobotMessage {
  const mentioned = [...m.ids, ...(m.all ? ['@all'] : [])]
  return {
    msgtype: 'text',
    text: {
      content,
      ...(mentioned.length ? { mentioned_list: mentioned } : {}),
      ...(m.mobiles.length ? { mentioned_mobile_list: m.mobiles } : {}),
    },
  }
}

/**
 * Markdown (default): `<@userid>` inline; people known only by mobile, and @all, cannot be mentioned in markdown,
 * so a short text message with `mentioned_mobile_list` / `mentioned_list: ["@all"]` follows.
 */
export function wecomMessages(c: Content, shape: Shape, o: { msgtype: 'markdown' | 'text'; mentions: Mention[]; all: boolean }): RobotMessage[] {
  const count = mentionCount(o.mentions, 'wecom')
  if (o.msgtype === 'text') {
    const m = wecomMentions(o.mentions, o.all, shape.mentions, false, { cap: shape.cap, sep: c.t.listSep, text: plain.text })
    return [wecomText(layout(c, shape, plain, { mentionLine: m.line, mentionCount: count }), m)]
  }
  const m = wecomMentions(o.mentions, o.all, shape.mentions, true, { cap: shape.cap, sep: c.t.listSep, text: wecomMarkdown.text })
  const md: RobotMessage = { msgtype: 'markdown', markdown: { content: layout(c, shape, wecomMarkdown, { mentionLine: m.line, mentionCount: count }) } }
  if (!m.all && !m.mobiles.length) return [md]
  return [md, wecomText(titleLine(c, shape), { ids: [], mobiles: m.mobiles, all: m.all })]
}

/** WeCom writes markdown (or text), and a text follow-up when a mention needs a mobile or @all. */
const composer: Composer = {
  platform: 'wecom',
  compose(c, o) {
    const msgtype = o.target.msgtype === 'text' ? ('text' as const) : ('markdown' as const)
    return (s) => wecomMessages(c, s, { msgtype, mentions: o.mentions, all: o.all })
  },
  valueText: (t) => (t.msgtype === 'text' ? plain : wecomMarkdown).text,
  load: wecomLoad,
}

export const wecom = rendererOf(composer)
