import { startFakeWeCom } from '../../fake-im/wecom.js'
import type { Scene } from './types.js'

const KEY = 'e2e-wecom-0a1b2c3d-4e5f-6789-abcd'
type Json = Record<string, Record<string, string> | undefined>

/** A WeCom group robot (its key is its only credential); Alice by userid. */
export const wecom: Scene = {
  name: 'wecom',
  alice: { key: 'wecom', value: 'alice_wx', notified: 'alice_wx' },
  mentionSyntax: ['<@alice_wx>', '<@all>', '@all'],
  dedupes: false,
  async start(o = {}) {
    const fake = await startFakeWeCom([{ key: KEY, members: [{ userid: 'alice_wx', mobile: '13800000000' }] }], o)
    return {
      target: { type: 'wecom', webhook: fake.webhook(KEY) },
      secrets: [KEY],
      shown: () =>
        fake.shown().map((r) => {
          const m = r.message as Json
          const part = m[String(m.msgtype)] ?? {}
          return { at: r.at, message: m, visible: part.content ?? '', notified: r.mentions ?? [], unresolved: [] }
        }),
      requests: () =>
        fake.records.map((r) => ({ at: r.at, http: r.http, ok: r.http === 200 && r.errcode === 0, rateLimited: r.errcode === 45009, duplicate: false, injected: !!r.injected })),
      failTwice: (quote) => {
        fake.inject({ kind: 'status', status: 500 }, 1)
        fake.inject({ kind: 'errcode', errcode: -1, errmsg: quote }, 1)
      },
      setLatency: (ms) => fake.setLatency(ms),
      close: () => fake.close(),
    }
  },
}
