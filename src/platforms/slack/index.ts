import type { Platform } from '../common/types.js'
import { slackDelivery } from './delivery.js'
import { showSlack, slack as renderer } from './render.js'
import { SlackTarget } from './target.js'

const parseUrl = (s: string): URL | undefined => (URL.canParse(s) ? new URL(s) : undefined)

export const slack = {
  label: 'Slack',
  target: SlackTarget,
  hosts: ['hooks.slack.com'],
  // The whole path after /services/ (team id, webhook id, secret) is redacted: the secret is the credential, and the
  // two ids with it are the URL Slack says to keep secret; the target's name already says which webhook it is.
  secretPathPrefix: '/services/',
  secrets: () => [],
  // A warning, not an error: Slack's own incoming webhooks live under /services/; any other path on its host is a URL
  // copied from elsewhere (a workflow trigger, the app's page) that will not take our message.
  warnings: (t) => {
    const url = parseUrl(t.webhook)
    return url?.hostname === 'hooks.slack.com' && !url.pathname.startsWith('/services/')
      ? [{ key: 'webhook', message: 'is on hooks.slack.com but not under /services/: an incoming webhook looks like https://hooks.slack.com/services/T…/B…/…; copy it from the app\'s "Incoming Webhooks" page (a Workflow Builder trigger URL takes other fields)' }]
      : []
  },
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
