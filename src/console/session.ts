import { createHmac, randomBytes } from 'node:crypto'
import { safeEqual } from '../safe-equal.js'

/** A console session: a random id and its end (epoch ms). Carried in a signed cookie; the server keeps nothing. */
export type Session = { id: string; exp: number }

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url')

/**
 * The key sessions and CSRF tokens are signed with. With ADMIN_TOKEN it is derived from the token, so every replica
 * accepts the others' sessions and changing the token ends them all; without one (the console is open) a key per
 * process is enough, since a session then only carries the CSRF token.
 */
export function sessionKey(adminToken: string | undefined): Buffer {
  return adminToken ? createHmac('sha256', adminToken).update('ci-notify console session v1').digest() : randomBytes(32)
}

export function newSession(now: number, ttlMs: number): Session {
  return { id: randomBytes(16).toString('base64url'), exp: now + ttlMs }
}

/** `<exp>.<id>.<mac>`: the cookie's value. */
export const sealSession = (key: Buffer, s: Session): string => `${s.exp}.${s.id}.${mac(key, `session.${s.exp}.${s.id}`)}`

/** The session a cookie carries, if its signature is ours and it has not expired; undefined otherwise. Never throws. */
export function openSession(key: Buffer, value: string | undefined, now: number): Session | undefined {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{10,64})\.([A-Za-z0-9_-]{20,64})$/.exec(value ?? '')
  if (!m) return undefined
  const [, exp, id, sig] = m
  if (!safeEqual(sig, mac(key, `session.${exp}.${id}`))) return undefined
  return Number(exp) > now ? { id, exp: Number(exp) } : undefined
}

/** The CSRF token of a session: every state-changing form carries it; a request without the right one is refused. */
export const csrfToken = (key: Buffer, s: Session): string => mac(key, `csrf.${s.id}`)

export const csrfOk = (key: Buffer, s: Session, token: unknown): boolean => typeof token === 'string' && safeEqual(token, csrfToken(key, s))
