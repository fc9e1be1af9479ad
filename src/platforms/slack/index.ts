import type { Platform } from '../common/types.js'
import { slackDelivery } from './delivery.js'
import { showSlack, slack as renderer } from './render.js'
import { SlackTarget } from './target.js'

export const slack = {
  label: 'Slack',
  target: SlackTarget,
  hosts: ['hooks.slack.com'],
  // The whole path after /services/ (team id, webhook id, secret) is redacted: the secret is the credential, and the
  // two ids with it are the URL Slack says to keep secret; the target's name already says which webhook it is.
  secretPathPrefix: '/services/',
  secrets: () => [],
  renderer,
  show: showSlack,
  kind: () => 'blocks',
  exampleId: 'U0ZHANGSAN',
  exampleTarget: { type: 'slack', webhook: '', rate_per_minute: 20 },
  delivery: slackDelivery,
  // "1 per second. Short bursts >1 allowed" (https://api.slack.com/docs/rate-limits): sends to one webhook are
  // spaced a second apart; a burst beyond that meets 429 and its Retry-After.
  minGapMs: 1000,
} satisfies Platform<SlackTarget>
