import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { startFakeWeCom, type FakeWeCom } from '../fake-im/wecom.js'
import { coveredNumbers, harness, type Harness } from './harness.js'

/** Worker + the real renderers + the senders against both fakes: what a group really sees. */
const SECRET = 'SECreal0000000000000000000'
const clock = manualClock()
let ding: FakeDingTalk
let wecom: FakeWeCom
let h: Harness

const people = `
people:
  - name: Alice
    gitlab: alice
    mobile: "13800000000"
    dingtalk: alice_ding
    wecom: alice_wx
  - name: Bob
    gitlab: bob
    mobile: "13900000000"
`

beforeAll(async () => {
  ding = await startFakeDingTalk(
    ['md', 'card', 'text'].map((t) => ({ token: `tok-${t}`, security: { keywords: ['构建'], secret: SECRET }, members: [{ mobile: '13800000000', userId: 'alice_ding' }, { mobile: '13900000000' }] })),
    { clock },
  )
  wecom = await startFakeWeCom([{ key: 'wx-key', members: [{ userid: 'alice_wx', mobile: '13800000000' }, { userid: 'bob_wx', mobile: '13900000000' }] }], { clock })
  h = await harness({
    clock,
    renderers: 'real',
    yaml: `
targets:
  md: { type: dingtalk, webhook: "${ding.webhook('tok-md')}", secret: "${SECRET}", keyword: 构建 }
  card: { type: dingtalk, webhook: "${ding.webhook('tok-card')}", secret: "${SECRET}", keyword: 构建, msgtype: actionCard }
  text: { type: dingtalk, webhook: "${ding.webhook('tok-text')}", secret: "${SECRET}", keyword: 构建, msgtype: text }
  wx: { type: wecom, webhook: "${wecom.webhook('wx-key')}" }
${people}
rules:
  - name: release
    match: { branch: release }
    notify: [card]
    mention: [all]
  - name: people
    match: { branch: main }
    notify: [md, text, wx]
    mention: [Alice, Bob]
  - name: everyone-wx
    match: { branch: hotfix }
    notify: [wx]
    mention: [all]
`,
  })
}, 60_000)
afterAll(async () => {
  await h.close()
  await ding.close()
  await wecom.close()
})

describe('real messages at the fakes', () => {
  it('DingTalk markdown and text: mentions resolve (tokens in the body), keyword present, signature valid', async () => {
    await h.accept({ branch: 'main', ref: 'main' })
    await h.settle(0)
    for (const token of ['tok-md', 'tok-text']) {
      const [r] = ding.shown(token)
      expect(r, token).toBeDefined()
      // Alice has a DingTalk userId, Bob only a mobile
      expect(r.mentions?.resolved).toEqual(expect.arrayContaining(['userId:alice_ding', 'mobile:13900000000']))
      expect(r.mentions?.unresolved).toEqual([])
      expect(JSON.stringify(r.message)).toContain('构建')
    }
    expect(ding.records.filter((r) => r.errcode !== 0)).toEqual([])
  })

  it('DingTalk actionCard with mention all: @所有人 in the text, so isAtAll takes effect', async () => {
    await h.accept({ branch: 'release', ref: 'release' })
    await h.settle(0)
    const [r] = ding.shown('tok-card')
    expect(r.message?.msgtype).toBe('actionCard')
    expect(r.mentions?.resolved).toEqual(['all'])
  })

  it('WeCom: <@userid> in markdown, and a text follow-up for someone known only by mobile', async () => {
    const before = wecom.shown().length
    await h.accept({ branch: 'main', ref: 'main' })
    await h.settle(0)
    const mine = wecom.shown().slice(before)
    expect(mine.map((r) => r.message?.msgtype)).toEqual(['markdown', 'text'])
    expect(mine.flatMap((r) => r.mentions)).toEqual(expect.arrayContaining(['alice_wx', 'bob_wx']))
  })

  it('WeCom mention all goes out as a text follow-up with @all', async () => {
    const before = wecom.shown().length
    await h.accept({ branch: 'hotfix', ref: 'hotfix' })
    await h.settle(0)
    expect(wecom.shown().slice(before).flatMap((r) => r.mentions)).toContain('@all')
  })

  it('a huge commit message is shortened to fit every limit, never rejected', async () => {
    const recordsBefore = ding.records.length + wecom.records.length
    await h.accept({ branch: 'main', ref: 'main', commit: { title: '构建'.repeat(3000), message: '很长的提交说明 '.repeat(5000) } })
    await h.settle(0)
    const rejected = [...ding.records, ...wecom.records].filter((r) => r.errcode !== 0)
    expect(rejected).toEqual([])
    expect(ding.records.length + wecom.records.length - recordsBefore).toBeGreaterThanOrEqual(3)
  })

  it('a WeCom burst with two messages per event stays under 20 a minute (no 45009) and covers every event', async () => {
    const start = wecom.shown().length
    const first = (await h.accept({ branch: 'main', ref: 'main' })) // also goes to md/text
    await h.settle(300, 300)
    for (let i = 0; i < 59; i++) {
      await h.accept({ branch: 'main', ref: 'main' })
      await h.settle(1000, 1000)
    }
    await h.settle(5 * 60_000, 5_000)
    const shown = wecom.shown().slice(start)
    expect(wecom.records.filter((r) => r.errcode === 45009)).toEqual([])
    expect(ding.records.filter((r) => r.errcode === 130101)).toEqual([])
    const covered = new Set(shown.flatMap((r) => coveredNumbers(JSON.stringify(r.message))))
    for (let n = first; n < first + 60; n++) expect(covered.has(n), `event ${n}`).toBe(true)
    const stats = await h.store.queueStats()
    expect(stats.pending + stats.retrying + stats.dead).toBe(0)
  })
})
