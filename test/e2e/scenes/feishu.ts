import { startFakeFeishu } from '../../fake-im/feishu.js'
import type { Scene } from './types.js'

const TOKEN = 'fs0a1b2c3d-4e5f-6789-abcd-ef0123456789'
const SECRET = 'feishu-e2e-sign-secret'

/**
 * A Feishu custom bot with signature verification and the keyword "CI"; Alice by open_id. The bot takes cards
 * (`interactive`): their lark_md is where text can mention (`<at id=all>`), and a card with one `<at>` the bot cannot
 * resolve fails whole.
 */
export const feishu: Scene = {
  name: 'feishu',
  alice: { key: 'feishu', value: 'ou_alice', notified: 'ou_alice' },
  mentionSyntax: ['<at user_id="ou_alice">Alice</at>', '<at user_id="all">所有人</at>', '<at id=all></at>', '<at id=ou_alice></at>', '<at ids=ou_alice,all></at>'],
  dedupes: false,
  async start(o = {}) {
    const fake = await startFakeFeishu([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] }, members: [{ openId: 'ou_alice', name: 'Alice' }] }], o)
    return {
      target: { type: 'feishu', webhook: fake.webhook(TOKEN), secret: SECRET, keyword: 'CI', msgtype: 'interactive' },
      secrets: [TOKEN, SECRET],
      shown: () => fake.shown().map((r) => ({ at: r.at, message: r.message, visible: r.visible ?? '', notified: r.mentions!.resolved, unresolved: r.mentions!.unresolved })),
      requests: () =>
        fake.records.map((r) => ({
          at: r.at,
          http: r.http,
          ok: r.http === 200 && r.code === 0,
          rateLimited: r.code === 11232 || (r.code === 9499 && r.msg === 'too many request'),
          duplicate: false,
          injected: !!r.injected,
        })),
      failTwice: (quote) => {
        fake.inject({ kind: 'status', status: 500 }, 1)
        fake.inject({ kind: 'errcode', errcode: 2200, errmsg: quote }, 1)
      },
      setLatency: (ms) => fake.setLatency(ms),
      close: () => fake.close(),
    }
  },
}
