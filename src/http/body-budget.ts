import { BusyError } from '../errors.js'

/**
 * The bytes of webhook bodies being received at once for one source, bounded by IN_FLIGHT_LIMIT: a crowd of
 * large bodies (a flood, or a stalled sender per socket) is answered 503 with Retry-After instead of growing the
 * heap past what the container has. Each request holds a `Claim` from the first byte it is allowed to read until its
 * answer is decided, and gives it back then, whatever happened.
 */
export type BodyBudget = { readonly limit: number; inUse(): number; claim(): Claim }

export type Claim = {
  /** Counts `bytes` more against the budget, or throws BusyError (a 503; nothing of this request is kept). */
  take(bytes: number): void
  /** Gives back everything this claim took; idempotent. */
  release(): void
}

/** Seconds a CI is asked to wait: long enough for the bodies in flight to be stored, short for a retrying sender. */
export const RETRY_AFTER_S = 5

export function bodyBudget(limit: number): BodyBudget {
  let used = 0
  return {
    limit,
    inUse: () => used,
    claim() {
      let held = 0
      return {
        take(bytes) {
          if (used + bytes > limit) {
            throw new BusyError(
              `too many webhook bytes are being received at once for this source (IN_FLIGHT_LIMIT, ${limit} bytes); nothing was stored: retry in a few seconds`,
              { retryAfterS: RETRY_AFTER_S },
            )
          }
          used += bytes
          held += bytes
        },
        release() {
          used -= held
          held = 0
        },
      }
    },
  }
}
