import type { DestinationStream } from 'pino'
import { visible, visibleLines } from './terminal.js'

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' }
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg'])

/**
 * LOG_FORMAT=pretty: one readable line per record (`12:04:05 INFO  msg key=value …`, UTC time); values holding
 * multi-line text (a rendered message, a stack) are written below it as an indented outline, the text as it reads.
 * Small on purpose: pino-pretty would be one more dependency for a terminal nicety.
 */
export function prettyStream(dest: DestinationStream): DestinationStream {
  // flush/flushSync passed through: pino calls them (fatal, flushLogs) on the stream it writes to.
  const d = dest as DestinationStream & { flush?: (cb: (err?: Error) => void) => void; flushSync?: () => void }
  return {
    write: (line: string) => dest.write(prettyLine(line)),
    ...(d.flush && { flush: (cb: (err?: Error) => void) => d.flush!(cb) }),
    ...(d.flushSync && { flushSync: () => d.flushSync!() }),
  } as DestinationStream
}

export function prettyLine(line: string): string {
  let rec: Record<string, unknown>
  try {
    rec = JSON.parse(line) as Record<string, unknown>
  } catch {
    return visibleLines(line) // not one of ours: passed through, its lines kept, its control characters shown
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 19) : ''
  const head = `${time} ${LEVELS[rec.level as number] ?? String(rec.level)} ${String(rec.msg ?? '')}`
  const pairs: string[] = []
  const blocks: string[] = []
  for (const [k, v] of Object.entries(rec)) {
    if (HIDDEN.has(k) || v === undefined) continue
    if (k === 'err' && v && typeof v === 'object' && 'stack' in v) blocks.push(indent(String((v as { stack: unknown }).stack), 2))
    else if (multiline(v)) blocks.push(outline(`${k}:`, v, 2).join('\n'))
    else pairs.push(`${k}=${inline(v)}`)
  }
  // Every line goes through visible(): payload text (a project path, a commit title) reaches the terminal here.
  return [visible(head + (pairs.length ? ' ' + pairs.join(' ') : '')), ...blocks.map(visibleLines)].join('\n') + '\n'
}


function inline(v: unknown): string {
  return typeof v === 'string' && v !== '' && !/\s/.test(v) ? v : JSON.stringify(v)
}

function multiline(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\n')
  if (v && typeof v === 'object') return Object.values(v).some(multiline)
  return false
}

/** `key:` then the value below it, YAML-like: objects as `k: v` lines, arrays as `- ` items, text as a `|` block. */
function outline(key: string, v: unknown, n: number): string[] {
  const pad = ' '.repeat(n)
  if (typeof v === 'string' && v.includes('\n')) return [`${pad}${key} |`, indent(v, n + 2)]
  if (!v || typeof v !== 'object' || Object.keys(v).length === 0) return [`${pad}${key} ${inline(v)}`]
  const out = [`${pad}${key}`]
  for (const [k, item] of Object.entries(v)) out.push(...outline(Array.isArray(v) ? '-' : `${k}:`, item, n + 2))
  return out
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n)
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n')
}
