import { utf8Length } from './bytes.js'
import type { Content } from './content.js'
import { MAX_URL } from './short-url.js'

/** How much of the content a rendering shows. fit.ts narrows it step by step until the message fits. */
export type Shape = {
  /** Bytes per piece of user text. */
  cap: number
  /** Bytes for the commit title (shortened before other user text). */
  commitCap: number
  /** Items shown per list. */
  items: Record<string, number>
  /** Blocks left out (fact ids, list ids). */
  dropped: readonly string[]
  /** Bytes of a template body. */
  bodyCap: number
  /** People mentioned (unresolved names are the first to go). */
  mentions: number
  /** Characters per link target (short-url.ts shortens a longer one to its origin and path prefix). */
  urlCap: number
}

/** The id in Shape.dropped that leaves every link out, the details link too (fit.ts's very last resort). */
export const LINKS = 'links'

// Nobody reads more than 1 KB of one name or title: longer user text is clipped from the start.
export const MAX_PIECE = 1024
// Nor more than 500 lines of a list (20 000 bytes, ≥ 40 bytes a line with its link): the rest is counted.
export const MAX_ITEMS = 500

export function fullShape(c: Content, mentions: number): Shape {
  const items: Record<string, number> = {}
  let bodyCap = 0
  for (const b of c.blocks) {
    // a digest's event list is never narrowed: digest.ts splits messages instead
    if (b.kind === 'list') items[b.id] = b.id === 'events' ? b.items.length : Math.min(b.items.length, MAX_ITEMS)
    if (b.kind === 'raw') bodyCap = utf8Length(b.text)
  }
  return { cap: MAX_PIECE, commitCap: MAX_PIECE, items, dropped: [], bodyCap, mentions, urlCap: MAX_URL }
}

/** True when `s` shows less than everything. */
export const isNarrowed = (c: Content, s: Shape, mentions: number): boolean => {
  const full = fullShape(c, mentions)
  return (
    s.dropped.length > 0 ||
    s.mentions < mentions ||
    s.bodyCap < full.bodyCap ||
    c.blocks.some((b) => b.kind === 'list' && s.items[b.id] < b.items.length)
  )
}
