import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { UnavailableError } from '../errors.js'
import type { Logger } from '../log.js'

/**
 * The one place errors become responses: typed HTTP errors keep their status and message; anything else is a 500
 * whose detail goes to the log only. A request refused with much of its body unread (401, 413, 503 before reading) is
 * answered with `Connection: close`, so the server drops the socket instead of reading and discarding the rest of the
 * upload; a small one is left to be drained, so its sender reads the answer instead of a reset.
 */
export const onError =
  (log: Logger): ErrorHandler =>
  (err, c) => {
    const close: Record<string, string> = largeUnread(c.req.raw) ? { connection: 'close' } : {}
    if (err instanceof UnavailableError) {
      return c.json({ error: err.message }, 503, { ...close, 'retry-after': String(err.retryAfterS) })
    }
    if (err instanceof HTTPException) {
      return c.json({ error: err.message }, err.status, close)
    }
    log.error({ err }, 'unhandled error')
    return c.json({ error: 'internal error' }, 500)
  }

/** What the server reads of a socket at once: a body this small has arrived with its headers. */
const ONE_READ = 64 * 1024

/**
 * True when the request's body is unread and may be larger than one read. Reads headers and `bodyUsed` only: touching
 * `body` would make @hono/node-server start streaming the upload in.
 */
function largeUnread(req: Request): boolean {
  if (req.bodyUsed) return false
  const length = req.headers.get('content-length')
  return length !== null ? Number(length) > ONE_READ : req.headers.has('transfer-encoding')
}
