// Robot limits are in UTF-8 bytes (WeCom: "最长不超过4096个字节"; one CJK character is 3 bytes, an emoji 4).
// Buffer.byteLength counts without encoding (a lone surrogate counts 3 bytes, as the U+FFFD it would become).
export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

/** Bytes of one code point in UTF-8. */
const cpBytes = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
// How far around a cut clusters are looked for. A longer cluster (a letter under dozens of combining marks) is cut
// between code points instead, which is still valid text.
const CLUSTER_WINDOW = 32

/**
 * The start of the user-perceived character (grapheme cluster) that index `i` falls in: `i` itself when it is a
 * boundary. Only a window around `i` is segmented, so the cost does not grow with `s`.
 */
export function clusterStart(s: string, i: number): number {
  if (i <= 0 || i >= s.length) return i
  const from = Math.max(0, i - CLUSTER_WINDOW)
  let start = -1
  for (const { index } of graphemes.segment(s.slice(from, Math.min(s.length, i + CLUSTER_WINDOW)))) {
    const at = from + index
    if (at > i) break
    // the window's own start is a boundary only when it is the string's
    if (at > from || from === 0) start = at
  }
  return start < 0 ? i : start
}

/**
 * The longest prefix of `s` that is at most `max` UTF-8 bytes, cut between user-perceived characters: never inside a
 * multi-byte character or a surrogate pair, nor between an emoji and its modifier, a flag's two halves, a ZWJ
 * sequence or a letter and its combining marks. Walks only as far as the cut, so a 1 MB string costs what the kept
 * part costs.
 */
export function cutBytes(s: string, max: number): string {
  let bytes = 0
  let i = 0
  while (i < s.length) {
    const cp = s.codePointAt(i)!
    const n = cpBytes(cp)
    if (bytes + n > max) break
    bytes += n
    i += cp > 0xffff ? 2 : 1
  }
  return s.slice(0, clusterStart(s, i))
}

/** `s` itself when it fits `max` bytes, else its prefix plus `…` within `max`; `cut` says which. */
export function clip(s: string, max: number): { text: string; cut: boolean } {
  // a UTF-16 unit is at most 3 bytes, so a short string needs no count
  if (s.length * 3 <= max || (s.length <= max && utf8Length(s) <= max)) return { text: s, cut: false }
  const head = cutBytes(s, max)
  if (head.length === s.length) return { text: s, cut: false }
  return { text: cutBytes(s, Math.max(0, max - 3)) + '…', cut: true }
}
