import { pino, type Logger, type DestinationStream } from 'pino'
import { redactUrl, redactValues } from './redact.js'
import { prettyStream } from './log-pretty.js'

export type { Logger }

export type LoggerOptions = {
  level?: string
  format?: 'json' | 'pretty'
  /** Defaults to stdout, written asynchronously (see createLogger). */
  destination?: DestinationStream
  /** Called with each line dropped because stdout could not keep up (see LOG_BUFFER_BYTES). */
  onDrop?: () => void
  /** Every secret value to strip from each line, asked per line: robot webhooks and signing secrets arrive with the
   * rules file after the logger exists, and change on reload. */
  secrets?: () => Iterable<string | undefined>
}

/**
 * One logger per app. Every line is redacted as a whole, after serialisation, so no field, error message or stack can
 * carry a robot URL credential (`access_token=`, `key=`, `sign=`) or a configured secret out.
 */
export function createLogger(o: LoggerOptions = {}): Logger {
  const dest = o.destination ?? stdout(o.onDrop)
  const out = o.format === 'pretty' ? prettyStream(dest) : dest
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: 'ci-notify' },
      hooks: { streamWrite: (line) => redactLine(line, o.secrets?.() ?? []) },
    },
    out,
  )
}

/**
 * Lines written while a write to stdout is in flight go out together in the next one: at 1000 webhooks a second a
 * synchronous write per line took a twentieth of the event loop. Before exiting, the shutdown and the crash handler
 * wait for what is being written (flushLogs), and pino writes what is left synchronously on exit; only a SIGKILL can
 * lose the last few milliseconds of lines, never an event (the store holds those). A reader that stops reading (a
 * stuck log shipper) makes lines wait, at most LOG_BUFFER_BYTES of them, then new ones are dropped (counted by
 * onDrop) instead of memory growing without bound.
 */
function stdout(onDrop?: () => void): DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_BYTES })
  if (onDrop) dest.on('drop', onDrop)
  return dest
}

export const LOG_BUFFER_BYTES = 16 * 1024 * 1024

/**
 * Resolves once every line logged so far is written, or after `capMs` (a reader that stopped reading). Called before
 * exiting: pino's own flush at exit writes what waits but not a write already in flight, which could be lost or
 * overtaken.
 */
export function flushLogs(log: Logger, capMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const cap = setTimeout(resolve, capMs)
    log.flush(() => {
      clearTimeout(cap)
      resolve()
    })
  })
}

/**
 * For process.on('uncaughtException' | 'unhandledRejection'): logs the error through the redacting logger (Node's own
 * report is an unredacted stack on stderr) and exits 1. The lines still being written go out first, then the fatal
 * one, in order.
 */
export function crashHandler(log: Logger, exit: (code: number) => void = (code) => process.exit(code)) {
  let crashing = false
  return (what: string) => (err: unknown) => {
    if (crashing) return log.error({ err }, `${what} while exiting`)
    crashing = true
    void flushLogs(log).then(() => {
      log.fatal({ err }, what)
      exit(1)
    })
  }
}

/** A serialised JSON line: secrets can appear raw or JSON-escaped (quotes, backslashes, control characters). */
export function redactLine(line: string, secrets: Iterable<string | undefined>): string {
  return redactValues(redactUrl(line), formsOf(secrets))
}

/** The last list of secrets seen and its forms: the list is asked for on every line and changes only on a reload. */
let last: { secrets: (string | undefined)[]; forms: string[] } = { secrets: [], forms: [] }

function formsOf(secrets: Iterable<string | undefined>): string[] {
  const list = [...secrets]
  if (list.length === last.secrets.length && list.every((s, i) => s === last.secrets[i])) return last.forms
  const forms: string[] = []
  for (const s of list) {
    if (!s) continue
    forms.push(s)
    const escaped = JSON.stringify(s).slice(1, -1)
    if (escaped !== s) forms.push(escaped)
  }
  // Longest first, so a secret that contains another is replaced whole.
  forms.sort((a, b) => b.length - a.length)
  last = { secrets: list, forms }
  return forms
}
