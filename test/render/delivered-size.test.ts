import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { startFakeWeCom, type FakeWeCom } from '../fake-im/wecom.js'
import { harness, type Harness } from '../delivery/harness.js'

/**
 * Issue 16 items 10 and 11 end to end: the worker, the real renderers and the senders against the fake robots, which
 * check the real limits (WeCom text 2048 and markdown 4096 bytes, DingTalk 20 000). No event is dead-lettered for
 * its size.
 */
const clock = manualClock()
let ding: FakeDingTalk
let wecom: FakeWeCom
let h: Harness

beforeAll(async () => {
  ding = await startFakeDingTalk(['md', 'card', 'text'].map((t) => ({ token: `tok-${t}` })), { clock })
  wecom = await startFakeWeCom([{ key: 'wx-md' }, { key: 'wx-text' }], { clock })
  h = await harness({
    clock,
    renderers: 'real',
    yaml: `
targets:
  md: { type: dingtalk, webhook: "${ding.webhook('tok-md')}" }
  card: { type: dingtalk, webhook: "${ding.webhook('tok-card')}", msgtype: actionCard }
  text: { type: dingtalk, webhook: "${ding.webhook('tok-text')}", msgtype: text }
  wxmd: { type: wecom, webhook: "${wecom.webhook('wx-md')}" }
  wxtext: { type: wecom, webhook: "${wecom.webhook('wx-text')}", msgtype: text }
rules:
  - name: all
    match: {}
    notify: [md, card, text, wxmd, wxtext]
    mention: [actor]
`,
  })
}, 60_000)
afterAll(async () => {
  await h.close()
  await ding.close()
  await wecom.close()
})

/** Accepts one event, lets the worker deliver it, and returns what each robot showed for it. */
async function deliver(over: Parameters<Harness['accept']>[0]) {
  const before = { ding: ding.records.length, wecom: wecom.records.length }
  await h.accept(over)
  await h.settle(2_000)
  const records = [...ding.records.slice(before.ding), ...wecom.records.slice(before.wecom)]
  expect(records.filter((r) => r.errcode !== 0).map((r) => r.errmsg)).toEqual([])
  const stats = await h.store.queueStats()
  expect(stats.dead).toBe(0)
  expect(stats.pending + stats.retrying).toBe(0)
  return records.map((r) => JSON.stringify(r.message))
}

describe('messages the robots take whatever their size', () => {
  it('a deploy whose target_url is https://ci.example/ + 2000 × @ (6000 characters once encoded)', async () => {
    const url = `https://ci.example/${'@'.repeat(2000)}`
    const shown = await deliver({ kind: 'deploy', status: 'success', source: 'github', url, deployment: { environment: 'production', url } })
    expect(shown).toHaveLength(5)
    for (const m of shown) expect(m).toContain('https://ci.example/')
  })

  it('a deploy whose target_url is https://ci.example/ + 1900 × 长 (17 000 characters once encoded)', async () => {
    const url = `https://ci.example/${'长'.repeat(1900)}`
    const shown = await deliver({ kind: 'deploy', status: 'failed', source: 'github', url, deployment: { environment: 'production', url } })
    expect(shown).toHaveLength(5)
  })

  it('a 2040-character ASCII pipeline URL reaches WeCom text too', async () => {
    const base = 'https://gitlab.example.com/g/app/-/pipelines/7?ref='
    const shown = await deliver({ url: base + 'a'.repeat(2040 - base.length) })
    expect(shown).toHaveLength(5)
    expect(shown.filter((m) => m.includes('a'.repeat(1900)))).toHaveLength(4) // whole wherever it fits
  })

  it('an actor name of 5000 × N: every fact still there, the name clipped', async () => {
    const name = 'N'.repeat(5000)
    const shown = await deliver({ actor: { name, username: 'nn' } })
    expect(shown).toHaveLength(5)
    for (const m of shown) {
      expect(m).toContain('分支')
      expect(m).toContain('N…')
      expect(m).not.toContain('N'.repeat(1100))
    }
  })
})
