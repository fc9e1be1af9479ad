import type { Tone } from './content.js'
import { dingtalkMarkdownText, wecomMarkdownText } from './markdown-text.js'

/** How one message format writes the parts of the content model. All text passed in is already safe. */
export type Syntax = {
  /** User text (already neutral, escape.ts) as this format must write it: markdown-text.ts, or as it is. */
  text(value: string): string
  heading(text: string, tone: Tone): string
  fact(label: string, value: string, colon: string): string
  section(heading: string, colon: string): string
  item(value: string): string
  link(label: string, url: string, showUrl: boolean): string
  /** The closing "查看详情" line (none when a button carries the link). */
  details(label: string, url: string): string | undefined
  /** Between blocks of lines. */
  gap: string
}

// DingTalk renders `<font color=#…>` in markdown although it is undocumented (jenkinsci/dingtalk-plugin uses it).
const DING_COLORS: Record<Tone, string> = { good: '#52C41A', bad: '#F5222D', warn: '#FA8C16', info: '#1890FF', muted: '#8C8C8C' }
// WeCom markdown has exactly three colours: info (green), comment (grey), warning (orange-red)
// (https://developer.work.weixin.qq.com/document/path/91770).
const WECOM_COLORS: Record<Tone, string> = { good: 'info', bad: 'warning', warn: 'warning', info: 'comment', muted: 'comment' }

const mdLink = (label: string, url: string) => `[${label}](${url})`

/** DingTalk markdown: headings, bold, links and `- ` lists are in its documented subset. */
export const dingtalkMarkdown: Syntax = {
  text: dingtalkMarkdownText,
  heading: (text, tone) => `#### <font color=${DING_COLORS[tone]}>${text}</font>`,
  fact: (label, value, colon) => `- ${label}${colon}${value}`,
  section: (heading) => `**${heading}**`,
  item: (value) => `- ${value}`,
  link: (label, url) => mdLink(label, url),
  details: (label, url) => mdLink(label, url),
  gap: '\n\n',
}

/** The same, for an actionCard: the link is the card's button, not a line. */
export const dingtalkCard: Syntax = { ...dingtalkMarkdown, details: () => undefined }

/** WeCom markdown (v1) has no lists; `>` quote lines are its documented way to set off facts. */
export const wecomMarkdown: Syntax = {
  text: wecomMarkdownText,
  heading: (text, tone) => `### <font color="${WECOM_COLORS[tone]}">${text}</font>`,
  fact: (label, value, colon) => `> ${label}${colon}${value}`,
  section: (heading) => `**${heading}**`,
  item: (value) => `> ${value}`,
  link: (label, url) => mdLink(label, url),
  details: (label, url) => mdLink(label, url),
  gap: '\n\n',
}

/** Plain text (DingTalk and WeCom `text` messages). */
export const plain: Syntax = {
  text: (value) => value,
  heading: (text) => text,
  fact: (label, value, colon) => `${label}${colon}${value}`,
  section: (heading, colon) => `${heading}${colon.trim()}`,
  item: (value) => `- ${value}`,
  link: (label, url, showUrl) => (showUrl ? `${label} ${url}` : label),
  details: (label, url) => `${label} ${url}`,
  gap: '\n',
}
