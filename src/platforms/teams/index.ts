import type { Platform } from '../common/types.js'
import { teamsDelivery } from './delivery.js'
import { teams as renderer, showTeams } from './render.js'
import { TeamsTarget } from './target.js'

// The Office 365 connectors' hosts: retired (new ones blocked in 2024, all disabled in 2026).
const CONNECTOR_HOSTS = ['*.webhook.office.com', 'outlook.office.com']

const isConnector = (url: string): boolean => {
  if (!URL.canParse(url)) return false
  const host = new URL(url).hostname.toLowerCase()
  return host.endsWith('.webhook.office.com') || host === 'outlook.office.com'
}

export const teams = {
  label: 'Microsoft Teams',
  target: TeamsTarget,
  // Workflows: prod-NN.<region>.logic.azure.com and <env>.environment.api.powerplatform.com; then the retired ones.
  hosts: ['*.logic.azure.com', '*.api.powerplatform.com', ...CONNECTOR_HOSTS],
  // The SAS signature; sp (the permission, "/triggers/manual/run") and sv (its version) are no secret.
  secretParams: ['sig'],
  secrets: () => [],
  // A warning, not an error: the final switch-off date is known from Microsoft's tenant notices only, and one dead
  // target must not stop a rules file (every other target) from loading.
  warnings: (t) =>
    t.webhook && isConnector(t.webhook)
      ? [{ key: 'webhook', message: 'is an Office 365 connector URL (*.webhook.office.com): the connectors are retired and no longer deliver; in the channel, add the Workflows template "Send webhook alerts to a channel" and use its URL' }]
      : [],
  noMentionAll: 'Teams has no @channel or @everyone in a webhook\'s post ("Channel and team mentions are not supported in bot messages"); give people a teams: id and mention them',
  renderer,
  show: showTeams,
  kind: () => 'AdaptiveCard',
  personId: 'UPN (name@contoso.com) or Entra object id',
  exampleId: 'zhangsan@contoso.com',
  exampleTarget: { type: 'teams', webhook: '', rate_per_minute: 8 },
  delivery: teamsDelivery,
  // "more than four requests … in a second" are throttled
  minGapMs: 250,
} satisfies Platform<TeamsTarget>
