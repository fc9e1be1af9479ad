import { Writable } from 'node:stream'

/** A pino destination that keeps every line as text, for tests that read (or grep for secrets in) the logs. */
export function captureLogs(): { logs: string[]; destination: Writable } {
  const logs: string[] = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  return { logs, destination }
}
