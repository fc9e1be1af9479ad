import { createHash } from 'node:crypto'

/**
 * The DingTalk `msgUuid` of one delivery, derived from (event id, target) so it is the same in every store and on
 * every resend: DingTalk shows a message once per msgUuid (its idempotency key), which absorbs a resend after a crash.
 * Formatted as a UUID (version nibble 5-like) because that is what the robot API documents.
 */
export function msgUuid(eventId: string, target: string): string {
  const h = createHash('sha256').update(`${eventId}\n${target}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
