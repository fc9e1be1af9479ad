import { createHash, timingSafeEqual } from 'node:crypto'

/** Digests of the expected side, which is a configured secret for most callers: hashed once, not per request. */
const expectedDigests = new Map<string, Buffer>()
const MAX_CACHED = 16

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/**
 * Constant-time string comparison, also for unequal lengths (both sides hashed first so length leaks nothing).
 * `expected` is the side we know (a secret, an HMAC we computed); its digest is kept for the next call.
 */
export function safeEqual(given: string, expected: string): boolean {
  let he = expectedDigests.get(expected)
  if (!he) {
    he = digest(expected)
    // Secrets are few; per-request values (a GitHub signature we computed) would only churn the cache.
    if (expectedDigests.size >= MAX_CACHED) expectedDigests.clear()
    expectedDigests.set(expected, he)
  }
  return timingSafeEqual(digest(given), he) && given.length === expected.length
}
