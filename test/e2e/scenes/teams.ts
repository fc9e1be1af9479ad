import { startFakeTeams } from '../../fake-im/teams.js'
import type { Scene } from './types.js'

const FLOW = 'e2e0a1b2c3d4e5f6'
const SIG = 'e2eTeamsSig0123456789abcdefABCDEF'

/**
 * A Teams Workflows webhook (its `sig=` is the credential); Alice by UPN. A 202 means queued: the card is shown only
 * when the flow's run succeeds, so a request is taken when its run succeeded. Its errors keep a code, never a text:
 * the robot's quote is the credential itself, as the code.
 */
export const teams: Scene = {
  name: 'teams',
  alice: { key: 'teams', value: 'alice@example.com', notified: 'alice@example.com' },
  mentionSyntax: ['<at>Alice</at>', '<at>alice@example.com</at>'],
  dedupes: false,
  async start(o = {}) {
    const fake = await startFakeTeams([{ id: FLOW, sig: SIG, members: [{ upn: 'alice@example.com', name: 'Alice' }] }], o)
    return {
      target: { type: 'teams', webhook: fake.webhook(FLOW) },
      secrets: [SIG],
      shown: () => fake.shown().map((r) => ({ at: r.at, message: r.message, visible: r.visible ?? '', notified: r.mentions!.resolved, unresolved: r.mentions!.unresolved })),
      requests: () =>
        fake.records.map((r) => ({
          at: r.at,
          http: r.http,
          ok: r.http === 202 && r.run?.status === 'Succeeded',
          rateLimited: r.http === 429,
          duplicate: false,
          injected: !!r.injected,
        })),
      failTwice: () => {
        fake.inject({ kind: 'status', status: 500 }, 1)
        fake.inject({ kind: 'errcode', errcode: 0, errmsg: SIG, status: 503 }, 1)
      },
      setLatency: (ms) => fake.setLatency(ms),
      close: () => fake.close(),
    }
  },
}
