import { utf8Length } from '../../render/bytes.js'
import type { Composer } from '../../render/composer.js'
import type { Content, Tone } from '../../render/content.js'
import { layout } from '../../render/layout.js'
import { mentionCount, mentionLine } from '../../render/mentions.js'
import { markdownText } from '../../render/markdown-text.js'
import { rendererOf } from '../../render/renderer.js'
import type { Shape } from '../../render/shape.js'
import { plain, type Syntax } from '../../render/syntax.js'
import { titleLine } from '../../render/title.js'
import type { RenderTarget, RobotMessage } from '../../render/types.js'
import type { Mention } from '../../routing.js'
import { feishuMentions, mentionTokens } from './mentions.js'

// "请求体的数据大小不能超过 20 KB", the whole JSON as sent; the sender adds `"timestamp":"…","sign":"…"` (≈ 75 bytes).
export const FEISHU_BODY_LIMIT = 20_000
export const SIGN_ROOM = 100

/** The body's size over what Feishu takes: it fits at ≤ 1. */
export const feishuLoad = (m: RobotMessage): number => utf8Length(JSON.stringify(m)) / (FEISHU_BODY_LIMIT - SIGN_ROOM)

type MsgType = 'post' | 'text' | 'interactive'

// A post's link, marked with control characters no text that reaches the layout can hold (escape.ts turns them
// into spaces in CI text), then cut into `a` nodes.
const LINK_OPEN = '\u0001'
const LINK_MID = '\u0002'
const LINK_CLOSE = '\u0003'
const MARKED_LINK = /\u0001([^\u0002]*)\u0002([^\u0003]*)\u0003/g

/**
 * A post's lines: text as it is (a post `text` node is not markdown, and `<at>` in it is no mention), links as
 * `a` nodes. The heading is the post's title, not a line.
 */
const postSyntax: Syntax = {
  ...plain,
  heading: () => '',
  link: (label, url) => `${LINK_OPEN}${label}${LINK_MID}${url}${LINK_CLOSE}`,
  details: (label, url) => `${LINK_OPEN}${label}${LINK_MID}${url}${LINK_CLOSE}`,
}

type Node = { tag: 'text'; text: string } | { tag: 'a'; text: string; href: string } | { tag: 'at'; user_id: string }

function nodes(line: string): Node[] {
  const out: Node[] = []
  let last = 0
  for (const m of line.matchAll(MARKED_LINK)) {
    if (m.index > last) out.push({ tag: 'text', text: line.slice(last, m.index) })
    out.push({ tag: 'a', text: m[1] || m[2], href: m[2] })
    last = m.index + m[0].length
  }
  if (last < line.length) out.push({ tag: 'text', text: line.slice(last) })
  return out
}

// Card header colours (card JSON 1.0 `header.template`).
const TEMPLATES: Record<Tone, string> = { good: 'green', bad: 'red', warn: 'orange', info: 'blue', muted: 'grey' }

/** Card `lark_md`: links, bold, italics, strike-through and lists, so CI text takes markdownText's wider set. */
const larkMd: Syntax = {
  text: markdownText,
  heading: (text) => `**${text}**`,
  fact: (label, value, colon) => `${label}${colon}${value}`,
  section: (heading) => `**${heading}**`,
  item: (value) => `- ${value}`,
  link: (label, url) => `[${label}](${url})`,
  details: (label, url) => `[${label}](${url})`,
  gap: '\n\n',
}

type Opts = { msgtype: MsgType; keyword?: string; mentions: Mention[]; all: boolean }

/** One Feishu body for `c` at `shape`. */
export function feishuMessage(c: Content, shape: Shape, o: Opts): RobotMessage {
  const m = feishuMentions(o.mentions, o.all, shape.mentions)
  const count = mentionCount(o.mentions, 'feishu')
  const title = titleLine(c, shape, o.keyword)
  if (o.msgtype === 'text') {
    const line = mentionTokens(m, 'text', { cap: shape.cap, sep: c.t.listSep, text: plain.text })
    return { msg_type: 'text', content: { text: layout(c, shape, plain, { keyword: o.keyword, mentionLine: line, mentionCount: count }) } }
  }
  if (o.msgtype === 'interactive') {
    const line = mentionTokens(m, 'card', { cap: shape.cap, sep: c.t.listSep, text: larkMd.text })
    const text = layout(c, shape, { ...larkMd, heading: () => '' }, { mentionLine: line, mentionCount: count })
    return {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { title: { tag: 'plain_text', content: title }, template: TEMPLATES[c.tone] },
        elements: [{ tag: 'div', text: { tag: 'lark_md', content: text } }],
      },
    }
  }
  const lines = layout(c, shape, postSyntax, { mentionCount: count }).split('\n').map(nodes)
  const ats: Node[] = (m.all ? ['all'] : m.ids).map((id) => ({ tag: 'at', user_id: id }))
  const named = mentionLine([], m.names, { cap: shape.cap, sep: c.t.listSep, text: plain.text })
  const mention = [...ats.flatMap((a, i) => (i ? [{ tag: 'text', text: ' ' } as Node, a] : [a])), ...(named ? [{ tag: 'text', text: (ats.length ? ' ' : '') + named } as Node] : [])]
  const content = [...lines.filter((l) => l.length), ...(mention.length ? [mention] : [])]
  return { msg_type: 'post', content: { post: { zh_cn: { title, content } } } }
}

const msgtypeOf = (t: RenderTarget): MsgType => (t.msgtype as MsgType | undefined) ?? 'post'

/** Feishu writes one body per message: a post (default), a text or a card, its keyword in the title or text. */
const composer: Composer = {
  platform: 'feishu',
  compose(c, o) {
    const opts: Opts = { msgtype: msgtypeOf(o.target), keyword: o.target.keyword || undefined, mentions: o.mentions, all: o.all }
    return (s) => [feishuMessage(c, s, opts)]
  },
  // a post's text nodes and a text message are not markdown; a card's lark_md is
  valueText: (t) => (msgtypeOf(t) === 'interactive' ? larkMd : plain).text,
  load: (ms) => Math.max(0, ...ms.map(feishuLoad)),
}

export const feishu = rendererOf(composer)

/** What a person reads of a Feishu message, for the docs' gallery: its title and lines, mentions as `@id`. */
export function showFeishu(m: RobotMessage): string {
  const b = m as { msg_type: string; content?: { text?: string; post?: Record<string, { title: string; content: Node[][] }> }; card?: { header: { title: { content: string } }; elements: { text: { content: string } }[] } }
  if (b.msg_type === 'text') return b.content!.text!
  if (b.msg_type === 'interactive') return [b.card!.header.title.content, ...b.card!.elements.map((e) => e.text.content)].join('\n')
  const post = Object.values(b.content!.post!)[0]
  const line = (ns: Node[]) => ns.map((n) => (n.tag === 'at' ? `@${n.user_id}` : n.tag === 'a' ? `[${n.text}](${n.href})` : n.text)).join('')
  return [post.title, ...post.content.map(line)].join('\n')
}
