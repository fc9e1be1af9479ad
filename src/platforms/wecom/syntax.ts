import type { Tone } from '../../render/content.js'
import { backslashes, lineStart } from '../../render/markdown-text.js'
import { mdLink, type Syntax } from '../../render/syntax.js'

// WeCom markdown has exactly three colours: info (green), comment (grey), warning (orange-red)
// (https://developer.work.weixin.qq.com/document/path/91770).
const COLORS: Record<Tone, string> = { good: 'info', bad: 'warning', warn: 'warning', info: 'comment', muted: 'comment' }

/**
 * A value in WeCom markdown (v1: headings, bold, links, inline code, quotes and colours only): `\` and a `#` that
 * starts a line are its only syntax neutral() leaves; `_x_` and `~` show as they are.
 */
export const wecomMarkdownText = (s: string): string => lineStart(/^#/)(backslashes(s))

/** WeCom markdown (v1) has no lists; `>` quote lines are its documented way to set off facts. */
export const wecomMarkdown: Syntax = {
  text: wecomMarkdownText,
  heading: (text, tone) => `### <font color="${COLORS[tone]}">${text}</font>`,
  fact: (label, value, colon) => `> ${label}${colon}${value}`,
  section: (heading) => `**${heading}**`,
  item: (value) => `> ${value}`,
  link: (label, url) => mdLink(label, url),
  details: (label, url) => mdLink(label, url),
  gap: '\n\n',
}
