/**
 * What neutral() (escape.ts) leaves in user text that a robot's markdown still reads as syntax, for markdown messages
 * only: a plain-text message shows every character as it is. Each platform's syntax (src/platforms/<name>/syntax.ts)
 * picks what its markdown reads. No robot documents an escape syntax, so as in neutral() each character becomes a
 * full-width lookalike that reads the same to a person.
 */
const FULL: Record<string, string> = { '\\': '＼', '~': '～', _: '＿', '#': '＃', '-': '－', '+': '＋', '=': '＝', '.': '．', ')': '）' }
const full = (c: string): string => FULL[c] ?? c

// `x\` before `](` escapes the bracket and breaks the link around it: `[x\](…)`.
const BACKSLASH = /\\/g
const TILDE = /~/g
// `_` opens or closes emphasis only at a word's edge: feature_login stays as it is; _x_ and __init__ do not.
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu
// At the start of a line a value would make it a heading (#), a list item (- + 1. 1)) or a setext underline (= -).
const BLOCK_LINE_START = /^(?:[#\-+=]|(\d+)([.)])(?=\s|$))/

/** Backslashes as lookalikes: every markdown reads `\` as an escape. */
export const backslashes = (s: string): string => s.replace(BACKSLASH, full)

/** The start of a value as lookalikes where `re` says it would start a block (its groups: digits and the mark after them). */
export const lineStart = (re: RegExp) => (s: string) => s.replace(re, (m, digits?: string, mark?: string) => (digits ? digits + full(mark!) : full(m)))

/**
 * A value in a markdown that renders more than a documented subset: `_x_` italics and `~~x~~` strike-through,
 * besides headings, lists and ordered lists (DingTalk's markdown, Feishu's lark_md).
 */
export function markdownText(s: string): string {
  return lineStart(BLOCK_LINE_START)(backslashes(s).replace(TILDE, full).replace(EDGE_UNDERSCORE, full))
}
