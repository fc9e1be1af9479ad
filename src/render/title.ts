import type { Content } from './content.js'
import { plain } from './syntax.js'
import type { Shape } from './shape.js'
import { userText } from './user-text.js'

/** One plain line naming the message: keyword, heading, project and number (DingTalk's `title`, WeCom's follow-up). */
export function titleLine(c: Content, shape: Shape, keyword?: string): string {
  const cut = { any: false }
  const subject = c.subject.map((s) => (s.user ? userText(s.text, Math.min(shape.cap, 128), cut) : s.text)).join('')
  const words = [keyword, c.headline, subject].filter(Boolean).join(' ')
  return plain.heading(words, c.tone)
}
