import type { Logger } from '../log.js'
import { equalsSecret } from '../safe-equal.js'
import { ADMIN_GUESSES, GuessLimit } from './guess-limit.js'

/** What became of an admin token offered by a client. */
export type TokenCheck = 'right' | 'wrong' | { refusedForS: number }

/** Checks admin tokens offered from a client address; the API and the console's login share one, so guesses count across both. */
export type TokenChecker = (client: string | undefined, given: string | undefined) => TokenCheck

/**
 * Compares an offered token with ADMIN_TOKEN in constant time, within the guess limit (./guess-limit.ts): an address
 * that has offered 10 wrong tokens within a minute is refused, uncompared, until the oldest is a minute old. The start
 * of a refusal is logged once, with the address, never the token.
 */
export function tokenChecker(token: string, log: Logger, now: () => number): TokenChecker {
  const guesses = new GuessLimit({ ...ADMIN_GUESSES, now })
  return (address, given) => {
    const client = address ?? 'unknown'
    const wait = guesses.refusedFor(client)
    if (wait > 0) return { refusedForS: Math.ceil(wait / 1000) }
    if (given !== undefined && equalsSecret(given, token)) return 'right'
    if (guesses.failed(client)) log.warn({ client }, `${ADMIN_GUESSES.max} wrong admin tokens within a minute: this address is refused until the first is a minute old`)
    return 'wrong'
  }
}
