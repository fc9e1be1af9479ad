import { MAX_URL, shortUrl } from './short-url.js'

/**
 * Neutralising user-controlled text (commit titles, branch, job and people names) before it goes into a message.
 *
 * Neither DingTalk's nor WeCom's markdown documents an escape syntax (both are subsets with no backslash escapes
 * listed), and a naive renderer reads `\[x\](http://evil)` as a link labelled `x\`. So instead
 * of escaping we replace the few characters that build syntax with their full-width lookalikes, which read the same
 * to a person and can never form a link (`[…](…)`), an image, a tag (`<font>`, WeCom's `<@userid>`), a DingTalk
 * `@mobile` / `@userId` mention token, bold or inline code. Line breaks and control characters become spaces so a
 * value cannot start a heading, quote or list line of its own; bidi overrides are removed so text cannot disguise
 * what follows it. What only a markdown message reads as syntax (`\`, `_x_`, `~~x~~`, a `#` or `- ` that starts a
 * line), and only on the platform that renders it, is markdown-text.ts's job.
 */
const LOOKALIKE: Record<string, string> = {
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '@': '＠',
  '*': '＊',
  '`': 'ˋ',
  '&': '＆',
}
const SYNTAX = /[[\]<>@*`&]/g
// C0/C1 controls, DEL, line/paragraph separators, zero-width spaces and bidi formatting characters. The joiners
// U+200C/U+200D stay: emoji sequences (👨‍👩‍👧) and Indic and Persian writing need them, and they build no syntax.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+/g
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Replace lone surrogates with U+FFFD so the text encodes to valid UTF-8 (and JSON.stringify emits no `\udXXX`). */
export const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd')

/** One line of user text, safe inside markdown, WeCom/DingTalk HTML-ish tags and plain text alike. */
export function neutral(s: string): string {
  return wellFormed(s)
    .replace(INVISIBLE, ' ')
    .replace(SYNTAX, (c) => LOOKALIKE[c])
    .replace(/\s+/g, ' ')
    .trim()
}

// Longer input is not parsed at all: no link is that long, and parsing a megabyte per render costs.
const MAX_RAW_URL = 64 * 1024

/**
 * A link target we are willing to write: http(s) only, without user:password, with the characters that would end a
 * markdown link `(…)` or an attribute, and `@`, percent-encoded, and at most MAX_URL characters as written (after the
 * encoding, which can make a link of `@` or CJK characters three to nine times longer): a longer one is shortened to
 * its origin and path prefix. Anything else is no link (the label is still shown).
 */
export function safeUrl(raw: string | undefined): string | undefined {
  if (!raw || raw.length > MAX_RAW_URL) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch (e) {
    if (e instanceof TypeError) return undefined // not a URL: show the label without a link
    throw e
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  // credentials have no place in a chat message, and an `@` left in the link could read as a DingTalk mention token
  url.username = ''
  url.password = ''
  const href = url.href.replace(/[()\s'"<>@]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
  return shortUrl(href, MAX_URL)
}
