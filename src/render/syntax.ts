import type { Tone } from './content.js'

/**
 * How one message format writes the parts of the content model. All text passed in is already safe. Each platform
 * keeps its own under src/platforms/<name>/; plain text is shared.
 */
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

/** A markdown link. */
export const mdLink = (label: string, url: string) => `[${label}](${url})`

/** Plain text (DingTalk, WeCom and Feishu `text` messages). */
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
