import type { Child } from 'hono/jsx'
import { safeHref } from './safe-href.js'

/**
 * A message's text (markdown as DingTalk, WeCom, Feishu and Slack take it) drawn roughly as the chat app shows it:
 * headings, quotes, list items, bold and links; colour tags and mention tags reduced to their text. Every piece is a
 * text node or an element we build, so hono/jsx escapes all of it: nothing in the message becomes markup, and a link
 * is made only for an http(s) URL. A preview, not a markdown engine: what it does not know stays as written.
 */
export function ChatText(props: { text: string }) {
  return (
    <div class="md">
      {props.text.split('\n').map((line) => {
        const h = /^#{1,6}\s+(.*)$/.exec(line)
        if (h) return <div class="md-h">{inline(h[1])}</div>
        const q = /^>\s?(.*)$/.exec(line)
        if (q) return <div class="md-q">{inline(q[1])}</div>
        const li = /^\s*[-*]\s+(.*)$/.exec(line)
        if (li) return <div class="md-li">• {inline(li[1])}</div>
        return line.trim() === '' ? <div class="md-gap" /> : <div>{inline(line)}</div>
      })}
    </div>
  )
}

/** `[text](url)`, Slack's `<url|text>`, `**bold**`; `<font …>`/`</font>` dropped, `<at id=X></at>` as `@X`. */
const TOKEN = /\[([^\]]*)\]\(([^)\s]+)\)|<(https?:\/\/[^|>\s]+)\|([^>]*)>|\*\*([^*]+)\*\*|<\/?font[^>]*>|<at\s+(?:user_)?id=["']?([^"'>\s]*)["']?\s*><\/at>/gi

function inline(text: string): Child[] {
  const out: Child[] = []
  let last = 0
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(text.slice(last, m.index))
    last = m.index + m[0].length
    if (m[1] !== undefined || m[3] !== undefined) {
      const [label, url] = m[1] !== undefined ? [m[1], m[2]] : [m[4], m[3]]
      const href = safeHref(url)
      out.push(href ? <a href={href} rel="noopener noreferrer" target="_blank">{label}</a> : m[0])
    } else if (m[5] !== undefined) out.push(<b>{m[5]}</b>)
    else if (m[6] !== undefined) out.push(<span class="md-at">@{m[6]}</span>)
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}
