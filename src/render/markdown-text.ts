/**
 * What neutral() (escape.ts) leaves in user text that a robot's markdown still reads as syntax, per platform, for
 * markdown messages only: a plain-text message shows every character as it is. Neither robot documents an escape
 * syntax, so as in neutral() each character becomes a full-width lookalike that reads the same to a person.
 *
 * DingTalk renders more than its documented subset: `_x_` italics and `~~x~~` strike-through show up from CI data,
 * besides headings, lists and ordered lists. WeCom's markdown (v1,
 * https://developer.work.weixin.qq.com/document/path/91770) has headings, bold, links, inline code, quotes and
 * colours only: its line-start risk is `#`.
 */
const FULL: Record<string, string> = { '\\': '＼', '~': '～', _: '＿', '#': '＃', '-': '－', '+': '＋', '=': '＝', '.': '．', ')': '）' }
const full = (c: string): string => FULL[c] ?? c

// `x\` before `](` escapes the bracket and breaks the link around it: `[x\](…)`.
const BACKSLASH = /\\/g
const TILDE = /~/g
// `_` opens or closes emphasis only at a word's edge: feature_login stays as it is; _x_ and __init__ do not.
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu
// At the start of a line a value would make it a heading (#), a list item (- + 1. 1)) or a setext underline (= -).
const DING_LINE_START = /^(?:[#\-+=]|(\d+)([.)])(?=\s|$))/
const WECOM_LINE_START = /^#/

const lineStart = (re: RegExp) => (s: string) => s.replace(re, (m, digits?: string, mark?: string) => (digits ? digits + full(mark!) : full(m)))

/** A value in DingTalk markdown (markdown and actionCard text). Rule templates use it too, whatever the platform. */
export function dingtalkMarkdownText(s: string): string {
  return lineStart(DING_LINE_START)(s.replace(BACKSLASH, full).replace(TILDE, full).replace(EDGE_UNDERSCORE, full))
}

/** A value in WeCom markdown. */
export function wecomMarkdownText(s: string): string {
  return lineStart(WECOM_LINE_START)(s.replace(BACKSLASH, full))
}
