// What reaches an operator's terminal: text a webhook or a robot carried is shown, never acted on.

/**
 * Characters a terminal acts on instead of printing, written as escapes: C0 controls but tab (ESC starts colour,
 * title and clear-screen sequences; CR and BS overwrite what came before), DEL, the C1 controls (U+009B is an 8-bit
 * CSI), the line and paragraph separators, and the bidi controls that reorder what follows them on screen.
 * `\x1b` → `\x1b`, U+202E → `\u202e`: an operator sees what was sent, and nothing it sent acts on their terminal.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

export const visible = (s: string): string =>
  s.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0)
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
  })

/** visible() on each line: the line breaks of a multi-line block stay, everything else in it is shown. */
export const visibleLines = (s: string): string => s.split('\n').map(visible).join('\n')
