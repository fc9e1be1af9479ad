import type { Content } from './content.js'
import { plain } from './syntax.js'
import type { Shape } from './shape.js'
import { userText } from './user-text.js'

/**
 * The heading with DingTalk's keyword in front, unless the heading already says it (a digest "16 条构建通知" with the
 * keyword 构建): the robot only needs to find it somewhere in the message, and "构建 16 条构建通知" reads as a stutter.
 */
export const keyed = (headline: string, keyword: string | undefined): string =>
  keyword && !headline.includes(keyword) ? `${keyword} ${headline}` : headline

/** One plain line naming the message: keyword, heading, project and number (DingTalk's `title`, WeCom's follow-up). */
export function titleLine(c: Content, shape: Shape, keyword?: string): string {
  const cut = { any: false }
  const subject = c.subject.map((s) => (s.user ? userText(s.text, Math.min(shape.cap, 128), cut) : s.text)).join('')
  const words = [keyed(c.headline, keyword), subject].filter(Boolean).join(' ')
  return plain.heading(words, c.tone)
}
