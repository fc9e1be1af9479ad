import type { MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { TokenChecker } from '../app/admin-token.js'
import { clientAddress } from '../app/client-address.js'

/**
 * `/api/*` and `/-/reload`: Bearer ADMIN_TOKEN when one is set (`check`, src/app/admin-token.ts); open otherwise (the
 * start warns about it). An address refused for guessing gets 429 with Retry-After.
 */
export const adminAuth =
  (check: TokenChecker | undefined): MiddlewareHandler =>
  async (c, next) => {
    if (check) {
      const m = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')
      const result = check(clientAddress(c.env), m?.[1].trim())
      if (typeof result === 'object') {
        const s = String(result.refusedForS)
        return c.json({ error: `too many wrong admin tokens from this address; try again in ${s} s` }, 429, { 'retry-after': s })
      }
      if (result === 'wrong') throw new HTTPException(401, { message: 'admin endpoints need "Authorization: Bearer <ADMIN_TOKEN>"' })
    }
    await next()
  }
