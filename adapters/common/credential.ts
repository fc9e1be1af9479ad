import { createHmac } from 'node:crypto'
import { equalsSecret, safeEqual } from '../../src/safe-equal.js'
import type { Credential, RawRequest, RequestHead } from './types.js'

/** Where a credential is checked: a signature over the body needs the body, an echoed token does not. */
export const checkedIn = (c: Credential): 'head' | 'body' => (c.kind === 'hmac' ? 'body' : 'head')

/** True when the request carries the credential at all, right or wrong. Reads the head only. */
export function hasCredential(c: Credential, head: RequestHead): boolean {
  if (c.kind === 'hmac') return head.headers.has(c.header)
  return (
    (c.header !== undefined && head.headers.has(c.header)) ||
    (c.query !== undefined && head.query.has(c.query)) ||
    (c.basic === true && /^Basic\s/i.test(head.headers.get('authorization') ?? ''))
  )
}

/**
 * True when the request carries the right secret; never throws. Every candidate is compared, so the time taken does
 * not depend on which one matched; each comparison is constant-time (src/safe-equal.ts). An HMAC is computed over
 * the raw body as received, never over re-serialised JSON.
 */
export function verifyCredential(c: Credential, req: RawRequest, secret: string): boolean {
  if (c.kind === 'hmac') {
    const got = req.headers.get(c.header)
    if (!got) return false
    return safeEqual(got, `${c.prefix ?? ''}${createHmac(c.algorithm, secret).update(req.body, 'utf8').digest(c.encoding)}`)
  }
  const candidates = [
    c.header !== undefined ? req.headers.get(c.header) : null,
    c.query !== undefined ? req.query.get(c.query) : null,
    c.basic ? basicCredential(req) : undefined,
  ].filter((v): v is string => typeof v === 'string')
  return candidates.map((v) => equalsSecret(v, secret)).reduce((a, b) => a || b, false)
}

/** Basic credentials: the password, or the username when the URL had only `token@host`. */
function basicCredential(req: RequestHead): string | undefined {
  const pair = basicPair(req)
  if (!pair) return undefined
  if (pair.password === undefined) return pair.user
  return pair.password !== '' ? pair.password : pair.user
}

/** The user name and password of an `Authorization: Basic …` header (no colon: a user name alone), if it has one. */
export function basicPair(req: RequestHead): { user: string; password?: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.get('authorization') ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? { user: decoded } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
