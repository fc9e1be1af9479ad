import { startFakeDingTalk } from '../../fake-im/dingtalk.js'
import type { Scene } from './types.js'

const TOKEN = 'e2eding0123456789abcdef'
const SECRET = 'SECe2eding000000000000000'
type Json = Record<string, Record<string, string> | undefined>

/** A signed DingTalk robot with the keyword "CI"; Alice by userId (her mobile is in the group too). */
export const dingtalk: Scene = {
  name: 'dingtalk',
  alice: { key: 'dingtalk', value: 'alice_ding', notified: 'userId:alice_ding' },
  mentionSyntax: ['@13800000000', '@alice_ding', '@所有人'],
  dedupes: true,
  async start(o = {}) {
    const fake = await startFakeDingTalk([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] }, members: [{ userId: 'alice_ding', mobile: '13800000000' }] }], o)
    return {
      target: { type: 'dingtalk', webhook: fake.webhook(TOKEN), secret: SECRET, keyword: 'CI' },
      secrets: [TOKEN, SECRET],
      shown: () =>
        fake.shown().map((r) => {
          const m = r.message as Json
          const part = m[String(m.msgtype)] ?? {}
          return { at: r.at, message: m, visible: part.text ?? part.content ?? '', notified: r.mentions!.resolved, unresolved: [...r.mentions!.masked, ...r.mentions!.unresolved] }
        }),
      requests: () =>
        fake.records.map((r) => ({
          at: r.at,
          http: r.http,
          ok: r.http === 200 && r.errcode === 0,
          rateLimited: r.errcode === 130101 || r.errcode === 410100 || r.http === 302,
          duplicate: !!r.duplicate,
          injected: !!r.injected,
        })),
      failTwice: (quote) => {
        fake.inject({ kind: 'status', status: 500 }, 1)
        fake.inject({ kind: 'errcode', errcode: -1, errmsg: quote }, 1)
      },
      setLatency: (ms) => fake.setLatency(ms),
      close: () => fake.close(),
    }
  },
}
