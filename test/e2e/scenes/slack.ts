import { startFakeSlack } from '../../fake-im/slack.js'
import type { Scene } from './types.js'

// Lower case: Slack's reader keeps an error string of that shape, so the robot's quote of it is stored and logged.
const SECRET = 'slacke2esecret0123456789ab'

/**
 * A Slack incoming webhook (the path after /services/ is the credential); Alice by member id. U123 is in the channel
 * too, so a `<@U123>` that went out as markup would notify someone.
 */
export const slack: Scene = {
  name: 'slack',
  alice: { key: 'slack', value: 'U0ALICE', notified: 'U0ALICE' },
  mentionSyntax: ['<@U0ALICE>', '<@U123|alice>', '<!channel>', '<!here>', '<!everyone>', '<!subteam^S0TEAM>'],
  dedupes: false,
  async start(o = {}) {
    const fake = await startFakeSlack([{ secret: SECRET, members: [{ id: 'U0ALICE', name: 'Alice' }, { id: 'U123' }], subteams: ['S0TEAM'] }], o)
    return {
      target: { type: 'slack', webhook: fake.webhook(SECRET) },
      secrets: [SECRET],
      shown: () => fake.shown().map((r) => ({ at: r.at, message: r.message, visible: r.visible ?? '', notified: r.mentions!.resolved, unresolved: r.mentions!.unresolved })),
      requests: () =>
        fake.records.map((r) => ({ at: r.at, http: r.http, ok: r.http === 200 && r.reply === 'ok', rateLimited: r.http === 429, duplicate: false, injected: !!r.injected })),
      failTwice: () => {
        fake.inject({ kind: 'status', status: 500 }, 1)
        fake.inject({ kind: 'status', status: 503, body: SECRET }, 1)
      },
      setLatency: (ms) => fake.setLatency(ms),
      close: () => fake.close(),
    }
  },
}
