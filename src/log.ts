import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

/** One logger per app. Redaction of robot URLs, tokens and secrets is added by the ops work (issue 5). */
export function createLogger(o: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino({ level: o.level ?? 'info', base: { service: 'ci-notify' } }, o.destination)
}
