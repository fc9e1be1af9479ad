import type { Logger } from '../log.js'
import { equalsSecret } from '../safe-equal.js'
import { ADMIN_GUESSES, GuessLimit } from './guess-limit.js'

/** What became of an admin token offered by a client. */
export type TokenCheck = 'right' | 'wrong' | { refusedForS: number }

/** Checks admin tokens offered from a client address; the API and the console's login share one, so guesses count across both. */
export type TokenChecker = (client: string | undefined, given: string | undefined) => TokenCheck

/**
 * Compares an offered token with ADMIN_TOKEN in constant time, within the guess limit (./guess-limit.ts): an address
 * that has offered 10 wrong tokens within a minute is refused, uncompared, until the oldest is a minute old. An IPv6
 * address counts by its /64 (what one host or site is given). The start of a refusal is logged once, with the
 * address, never the token.
 */
export function tokenChecker(token: string, log: Logger, now: () => number): TokenChecker {
  const guesses = new GuessLimit({ ...ADMIN_GUESSES, now })
  return (address, given) => {
    const client = guesser(address)
    const wait = guesses.refusedFor(client)
    if (wait > 0) return { refusedForS: Math.ceil(wait / 1000) }
    // No token at all (no header, an empty form, a CORS preflight) guesses nothing: answered, not counted.
    if (!given) return 'wrong'
    if (equalsSecret(given, token)) return 'right'
    if (guesses.failed(client)) log.warn({ client }, `${ADMIN_GUESSES.max} wrong admin tokens within a minute: this address is refused until the first is a minute old`)
    return 'wrong'
  }
}

/** Who is guessing: an IPv4 address as it is, an IPv6 one by its first four groups (its /64). */
export function guesser(address: string | undefined): string {
  if (!address) return 'unknown'
  if (!address.includes(':') || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address.replace(/^::ffff:/i, '')
  const [head, tail = ''] = address.split('%')[0].toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64'
}
