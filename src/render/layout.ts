import { cutBytes, utf8Length } from './bytes.js'
import type { Block, Content, Seg } from './content.js'
import { safeUrl } from './escape.js'
import { isNarrowed, LINKS, type Shape } from './shape.js'
import type { Syntax } from './syntax.js'
import { shortUrl } from './short-url.js'
import { keyed } from './title.js'
import { userText } from './user-text.js'

export type Extras = {
  /** DingTalk's custom keyword, written verbatim at the start of the heading (unless the heading holds it) so the
   * robot accepts the message (310000 "keywords not in content" otherwise). Never shortened. */
  keyword?: string
  /** Mention tokens and names, already in the platform's syntax. */
  mentionLine?: string
  /** The mention count before shortening (to tell whether mentions were cut). */
  mentionCount: number
}

// fit.ts renders the same content many times while it narrows the shape; each piece is neutralised once per cap.
const memo = new WeakMap<Seg, Map<number, { text: string; cut: boolean }>>()

function piece(s: Seg, cap: number, cut: { any: boolean }): string {
  let byCap = memo.get(s)
  if (!byCap) memo.set(s, (byCap = new Map()))
  let r = byCap.get(cap)
  if (!r) {
    // caps only shrink while fitting: clip the last (larger) result instead of neutralising the raw text again
    const wider = [...byCap.entries()].find(([c]) => c > cap)?.[1]
    if (wider && !wider.cut) r = utf8Length(wider.text) <= cap ? wider : { text: cutBytes(wider.text, Math.max(0, cap - 3)) + '…', cut: true }
    else if (wider) r = { text: cutBytes(wider.text.slice(0, -1), Math.max(0, cap - 3)) + '…', cut: true }
    else {
      const c = { any: false }
      r = { text: userText(s.text, cap, c), cut: c.any }
    }
    byCap.set(cap, r)
  }
  if (r.cut) cut.any = true
  return r.text
}

const links = new WeakMap<Seg, string | undefined>()

/** What a link in the message points to at `shape`: shortened to its cap, none once links are dropped. */
export function shownUrl(url: string | undefined, shape: Shape, cut: { any: boolean }): string | undefined {
  if (url === undefined || shape.dropped.includes(LINKS)) return undefined
  const short = shortUrl(url, shape.urlCap)
  if (short !== url) cut.any = true
  return short
}

function link(s: Seg, shape: Shape, cut: { any: boolean }): string | undefined {
  if (!s.url) return undefined
  if (!links.has(s)) links.set(s, safeUrl(s.url))
  return shownUrl(links.get(s), shape, cut)
}

function segs(value: Seg[], shape: Shape, syn: Syntax, cut: { any: boolean }): string {
  return value
    .map((s) => {
      const text = s.user ? syn.text(piece(s, s.commit ? Math.min(shape.cap, shape.commitCap) : shape.cap, cut)) : s.text
      const url = link(s, shape, cut)
      return url ? syn.link(text, url, s.showUrl ?? false) : text
    })
    .join('')
}

/** A template body cut to `cap` bytes, at a line end when one is near, with `…`. */
function rawText(text: string, cap: number, cut: { any: boolean }): string {
  if (utf8Length(text) <= cap) return text
  cut.any = true
  const head = cutBytes(text, Math.max(0, cap - 3))
  const nl = head.lastIndexOf('\n')
  return (nl > head.length / 2 ? head.slice(0, nl + 1) : head) + '…'
}

function block(b: Block, c: Content, shape: Shape, syn: Syntax, cut: { any: boolean }): string | undefined {
  if (shape.dropped.includes(b.id)) return undefined
  if (b.kind === 'raw') return rawText(b.text, shape.bodyCap, cut) || undefined
  if (b.kind === 'fact') return syn.fact(b.label, segs(b.value, shape, syn, cut), c.t.colon)
  const shown = Math.min(shape.items[b.id] ?? b.items.length, b.items.length)
  const lines = b.items.slice(0, shown).map((item) => syn.item(segs(item, shape, syn, cut)))
  const more = b.items.length - shown + (b.omitted ?? 0)
  if (more > 0) lines.push(syn.item(c.t.more(more)))
  return [...(b.heading ? [syn.section(b.heading, c.t.colon)] : []), ...lines].join('\n')
}

/** The message text: heading, facts, lists, the truncation marker, the details link, mentions. */
export function layout(c: Content, shape: Shape, syn: Syntax, x: Extras): string {
  const cut = { any: false }
  const heading = syn.heading(keyed(c.headline, x.keyword), c.tone)
  const facts: string[] = []
  const rest: string[] = []
  for (const b of c.blocks) {
    const out = block(b, c, shape, syn, cut)
    if (out !== undefined) (b.kind === 'fact' ? facts : rest).push(out)
  }
  const url = shownUrl(c.link?.url, shape, cut)
  const details = c.link && url && syn.details(c.link.label, url)
  const tail: string[] = []
  if (cut.any || isNarrowed(c, shape, x.mentionCount)) tail.push(c.t.truncated)
  if (details) tail.push(details)
  const parts = [
    heading,
    facts.join('\n'),
    ...rest,
    tail.join('\n'),
    x.mentionLine ?? '',
  ]
  return parts.filter(Boolean).join(syn.gap)
}
