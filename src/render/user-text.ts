import { cutBytes, utf8Length } from './bytes.js'
import { neutral } from './escape.js'

/**
 * One line of user text (a name, a branch, a title), neutralised and clipped to `cap` bytes with a `…`, cut between
 * characters. `cut` is set when anything was lost.
 */
export function userText(raw: string, cap: number, cut: { any: boolean }): string {
  // Neutralise only as much as the cap can use: a prefix a little longer than `cap` units almost always gives
  // more than `cap` bytes; when whitespace collapsing ate too much of it, take twice as much.
  for (let take = cap + 16; ; take *= 2) {
    let head = raw.length > take ? raw.slice(0, take) : raw
    const last = head.charCodeAt(head.length - 1)
    if (head !== raw && last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1) // keep the pair whole
    const safe = neutral(head)
    if (head === raw && utf8Length(safe) <= cap) return safe
    if (head === raw || utf8Length(safe) > cap) {
      cut.any = true
      return cutBytes(safe, Math.max(0, cap - 3)) + '…'
    }
  }
}
