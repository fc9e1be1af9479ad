import type { MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { equalsSecret } from '../safe-equal.js'

/** `/api/*` and `/-/reload`: Bearer ADMIN_TOKEN when one is set; open otherwise (the start warns about it). */
export const adminAuth =
  (token: string | undefined): MiddlewareHandler =>
  async (c, next) => {
    if (token) {
      const h = c.req.header('authorization') ?? ''
      const m = /^Bearer\s+(.+)$/i.exec(h)
      if (!m || !equalsSecret(m[1].trim(), token)) {
        throw new HTTPException(401, { message: 'admin endpoints need "Authorization: Bearer <ADMIN_TOKEN>"' })
      }
    }
    await next()
  }
