import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/** Constant-time string comparison, also for unequal lengths (both sides hashed first so length leaks nothing). */
export function safeEqual(given: string, expected: string): boolean {
  return matches(given, digest(expected), expected.length)
}

function matches(given: string, expectedDigest: Buffer, expectedLength: number): boolean {
  return timingSafeEqual(digest(given), expectedDigest) && given.length === expectedLength
}

/** Digests of configured secrets (few, fixed until a restart): hashed once, not on every request. */
const secretDigests = new Map<string, Buffer>()
const MAX_CACHED = 16

/** safeEqual against a configured secret, whose digest is kept for the next request. */
export function equalsSecret(given: string, secret: string): boolean {
  let hs = secretDigests.get(secret)
  if (!hs) {
    hs = digest(secret)
    if (secretDigests.size >= MAX_CACHED) secretDigests.clear()
    secretDigests.set(secret, hs)
  }
  return matches(given, hs, secret.length)
}
