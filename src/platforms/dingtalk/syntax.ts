import type { Tone } from '../../render/content.js'
import { markdownText } from '../../render/markdown-text.js'
import { mdLink, type Syntax } from '../../render/syntax.js'

// DingTalk renders `<font color=#…>` in markdown although it is undocumented (jenkinsci/dingtalk-plugin uses it).
const COLORS: Record<Tone, string> = { good: '#52C41A', bad: '#F5222D', warn: '#FA8C16', info: '#1890FF', muted: '#8C8C8C' }

/**
 * DingTalk markdown: headings, bold, links and `- ` lists are in its documented subset. It renders more than that
 * (`_x_` italics, `~~x~~` strike-through from CI data): user text is written with markdownText's wider set.
 */
export const dingtalkMarkdown: Syntax = {
  text: markdownText,
  heading: (text, tone) => `#### <font color=${COLORS[tone]}>${text}</font>`,
  fact: (label, value, colon) => `- ${label}${colon}${value}`,
  section: (heading) => `**${heading}**`,
  item: (value) => `- ${value}`,
  link: (label, url) => mdLink(label, url),
  details: (label, url) => mdLink(label, url),
  gap: '\n\n',
}

/** The same, for an actionCard: the link is the card's button, not a line. */
export const dingtalkCard: Syntax = { ...dingtalkMarkdown, details: () => undefined }
