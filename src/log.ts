import { pino, type Logger, type DestinationStream } from 'pino'
import { redactUrl, redactValues } from './redact.js'
import { prettyStream } from './log-pretty.js'

export type { Logger }

export type LoggerOptions = {
  level?: string
  format?: 'json' | 'pretty'
  /** Defaults to stdout (synchronous, so nothing is lost when the process exits after a signal). */
  destination?: DestinationStream
  /** Every secret value to strip from each line, asked per line: robot webhooks and signing secrets arrive with the
   * rules file after the logger exists, and change on reload. */
  secrets?: () => Iterable<string | undefined>
}

/**
 * One logger per app. Every line is redacted as a whole, after serialisation, so no field, error message or stack can
 * carry a robot URL credential (`access_token=`, `key=`, `sign=`) or a configured secret out.
 */
export function createLogger(o: LoggerOptions = {}): Logger {
  const dest = o.destination ?? pino.destination({ dest: 1, sync: true })
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

/** A serialised JSON line: secrets can appear raw or JSON-escaped (quotes, backslashes, control characters). */
export function redactLine(line: string, secrets: Iterable<string | undefined>): string {
  const forms: string[] = []
  for (const s of secrets) {
    if (!s) continue
    forms.push(s)
    const escaped = JSON.stringify(s).slice(1, -1)
    if (escaped !== s) forms.push(escaped)
  }
  // Longest first, so a secret that contains another is replaced whole.
  forms.sort((a, b) => b.length - a.length)
  return redactValues(redactUrl(line), forms)
}
