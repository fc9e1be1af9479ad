import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from '../log.js'

/** The one place errors become responses: typed HTTP errors keep their status and message; anything else is a 500
 * whose detail goes to the log only. */
export const onError =
  (log: Logger): ErrorHandler =>
  (err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: err.message }, err.status)
    }
    log.error({ err }, 'unhandled error')
    return c.json({ error: 'internal error' }, 500)
  }
