// Robot limits are in UTF-8 bytes (WeCom: "最长不超过4096个字节"; one CJK character is 3 bytes, an emoji 4).
// Buffer.byteLength counts without encoding (a lone surrogate counts 3 bytes, as the U+FFFD it would become).
export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

/** Bytes of one code point in UTF-8. */
const cpBytes = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)

/**
 * The longest prefix of `s` that is at most `max` UTF-8 bytes, cut between code points: never inside a multi-byte
 * character or a surrogate pair. Walks only as far as the cut, so a 1 MB string costs what the kept part costs.
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
  return s.slice(0, i)
}

/** `s` itself when it fits `max` bytes, else its prefix plus `…` within `max`; `cut` says which. */
export function clip(s: string, max: number): { text: string; cut: boolean } {
  // a UTF-16 unit is at most 3 bytes, so a short string needs no count
  if (s.length * 3 <= max || (s.length <= max && utf8Length(s) <= max)) return { text: s, cut: false }
  const head = cutBytes(s, max)
  if (head.length === s.length) return { text: s, cut: false }
  return { text: cutBytes(s, Math.max(0, max - 3)) + '…', cut: true }
}
