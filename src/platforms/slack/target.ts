import { z } from 'zod'
import { targetCommon } from '../common/target.js'

/**
 * A Slack incoming webhook (https://api.slack.com/messaging/webhooks): `https://hooks.slack.com/services/T…/B…/<secret>`,
 * the URL being its only credential. The channel, name and icon are the app's: a webhook cannot override them.
 *
 * Slack asks for about 1 message a second per webhook, short bursts allowed (https://api.slack.com/docs/rate-limits),
 * so at most 60 a minute. The default of 20 leaves room for another sender on the same webhook and keeps a burst
 * short: the shared budget (src/delivery/rate-limit.ts) sends up to half of it back to back, and the platform's
 * least gap between sends (Platform.minGapMs) spaces those a second apart.
 */
export const SlackTarget = z
  .object({
    type: z.literal('slack'),
    ...targetCommon({ maxRate: 60, defaultRate: 20, label: 'Slack' }),
  })
  .strict()
export type SlackTarget = z.infer<typeof SlackTarget>
