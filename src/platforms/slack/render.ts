import { clip } from '../../render/bytes.js'
import type { Composer } from '../../render/composer.js'
import type { Content } from '../../render/content.js'
import { layout } from '../../render/layout.js'
import { mentionCount } from '../../render/mentions.js'
import { rendererOf } from '../../render/renderer.js'
import type { Shape } from '../../render/shape.js'
import type { Syntax } from '../../render/syntax.js'
import { titleLine } from '../../render/title.js'
import type { RobotMessage } from '../../render/types.js'
import type { Mention } from '../../routing.js'
import { slackMentionLine } from './mentions.js'

// Block Kit's limits (https://api.slack.com/reference/block-kit/blocks), in characters: 50 blocks a message, 3000
// in a section's text, 150 in a header's. Counted here in UTF-16 units, which are never fewer than the characters
// (code points) Slack counts, as sent (after `&amp;`).
export const MAX_BLOCKS = 50
export const SECTION_CHARS = 3000
export const HEADER_CHARS = 150
// All sections together. Slack documents no total for sections, but refuses a message whose markdown blocks pass
// 12,000 characters (msg_blocks_too_long, https://github.com/slackapi/bolt-js/issues/2509); a section message is
// kept within the same, which is also about as much as a channel shows before "Show more".
export const MESSAGE_CHARS = 12_000

type Section = { type: 'section'; text: { type: 'mrkdwn'; text: string } }
type Header = { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
export type SlackMessage = { text: string; blocks: (Header | Section)[] }

/** The message's size over Slack's limits: it fits at ≤ 1. */
export function slackLoad(m: RobotMessage): number {
  const { blocks } = m as SlackMessage
  const sections = blocks.filter((b): b is Section => b.type === 'section').map((b) => b.text.text.length)
  const header = blocks.find((b): b is Header => b.type === 'header')?.text.text.length ?? 0
  const total = sections.reduce((a, b) => a + b, 0)
  return Math.max(blocks.length / MAX_BLOCKS, Math.max(0, ...sections) / SECTION_CHARS, header / HEADER_CHARS, total / MESSAGE_CHARS)
}

// `&`, `<` and `>` are mrkdwn's control characters, written as entities (https://api.slack.com/reference/surfaces/formatting#escaping).
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const escape = (s: string): string => s.replace(/[&<>]/g, (c) => ENTITIES[c])

// What neutral() (src/render/escape.ts) leaves that mrkdwn still reads as formatting: `~x~` strike-through, and
// `_x_` italics (only at a word's edge: feature_login stays). Slack documents no escape for them, so, as neutral()
// does, each becomes a full-width lookalike.
const TILDE = /~/g
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu

/**
 * CI text in mrkdwn: already neutral (no `&`, `<`, `>`, `*`, backtick or `@` left), escaped once more all the same
 * so that no path can ever hand Slack a live `<!channel>` or `<@U…>` from a payload.
 */
export const slackText = (s: string): string => escape(s).replace(TILDE, '～').replace(EDGE_UNDERSCORE, '＿')

/** A link target (already made safe: http(s), percent-encoded) inside `<…|…>`: `|` would end it, `&` is an entity. */
const slackUrl = (url: string): string => escape(url).replace(/\|/g, '%7C')
const slackLink = (label: string, url: string): string => `<${slackUrl(url)}|${label || slackUrl(url)}>`

/** mrkdwn: the heading is the header block, facts one a line, lists as `•` lines, links `<url|label>`. */
const mrkdwn: Syntax = {
  text: slackText,
  heading: () => '',
  fact: (label, value, colon) => `${label}${colon}${value}`,
  section: (heading) => `*${heading}*`,
  item: (value) => `• ${value}`,
  link: (label, url) => slackLink(label, url),
  details: (label, url) => slackLink(label, url),
  gap: '\n\n',
}

/**
 * The text cut into sections of at most SECTION_CHARS, between lines (a line is never split: one longer than that
 * makes its section too big, and the shared fit shortens the content until none is).
 */
export function sections(text: string): string[] {
  const out: string[] = []
  let cur = ''
  for (const line of text.split('\n')) {
    if (cur && cur.length + 1 + line.length > SECTION_CHARS) {
      out.push(cur)
      cur = line
    } else cur = cur ? `${cur}\n${line}` : line
  }
  out.push(cur)
  // A section's text may not be empty or blank; a break at a gap leaves a blank line at an edge.
  return out.map((s) => s.trim()).filter(Boolean)
}

type Opts = { mentions: Mention[]; all: boolean }

/** One Slack message for `c` at `shape`: `text` (what notifications show), a header and mrkdwn sections. */
export function slackMessage(c: Content, shape: Shape, o: Opts): SlackMessage {
  const line = slackMentionLine(o.mentions, o.all, shape.mentions, { cap: shape.cap, sep: c.t.listSep, text: slackText })
  const text = layout(c, shape, mrkdwn, { mentionLine: line, mentionCount: mentionCount(o.mentions, 'slack') })
  // The headline is ours, or a rule template's title (at most 256 bytes): within a header's 150 characters, or cut.
  const header: Header = { type: 'header', text: { type: 'plain_text', text: clip(c.headline, HEADER_CHARS).text, emoji: true } }
  const body: Section[] = sections(text).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } }))
  // With blocks, the top-level text is only the notification and screen-reader fallback: the title line, escaped.
  return { text: escape(titleLine(c, shape)), blocks: [header, ...body] }
}

/** Slack writes one message per event: a header block and the content as mrkdwn sections. */
const composer: Composer = {
  platform: 'slack',
  compose(c, o) {
    const opts: Opts = { mentions: o.mentions, all: o.all }
    return (s) => [slackMessage(c, s, opts)]
  },
  valueText: () => mrkdwn.text,
  load: (ms) => Math.max(0, ...ms.map(slackLoad)),
}

export const slack = rendererOf(composer)

/** What a person reads of a Slack message, for the docs' gallery: the header, then the sections' mrkdwn. */
export function showSlack(m: RobotMessage): string {
  return (m as SlackMessage).blocks.map((b) => b.text.text).join('\n')
}
