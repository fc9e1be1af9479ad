import type { PlatformDelivery } from '../common/types.js'
import { readTeamsReply } from './replies.js'

/**
 * Teams Workflows webhook: the URL as configured (its `sig` is the credential), the card as rendered. Nothing is
 * signed per attempt and there is no idempotency key: a resend after a timeout can show twice.
 */
export const teamsDelivery: PlatformDelivery = {
  request: (target, message) => ({ url: target.webhook, body: message }),
  read: readTeamsReply,
}
