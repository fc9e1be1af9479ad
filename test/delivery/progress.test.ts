import { describe, expect, it } from 'vitest'
import type { Store } from '../../src/store/types.js'
import type { Call, Failure } from '../fake-im/serve.js'
import { manualClock } from '../fake-im/manual-clock.js'
import type { FakeWeCom } from '../fake-im/wecom.js'
import { coveredNumbers, perTest } from './harness.js'

/**
 * A WeCom delivery that @-mentions everyone is two posts: the markdown, then a text carrying `mentioned_list: ["@all"]`
 * (markdown cannot mention @all). WeCom has no msgUuid, so a part it confirmed must never go again.
 */
const started = perTest()

async function setup() {
  const clock = manualClock()
  const wecom = await started.wecom([{ key: 'wx-key' }], { clock })
  const h = await started.harness({
    clock,
    renderers: 'real',
    yaml: `
targets:
  wx: { type: wecom, webhook: "${wecom.webhook('wx-key')}" }
rules:
  - name: all
    notify: [wx]
    mention: [all]
`,
  })
  return { h, wecom }
}

const isText = (c: Call) => (JSON.parse(c.body) as { msgtype: string }).msgtype === 'text'
const shownTypes = (f: FakeWeCom) => f.shown().map((r) => r.message?.msgtype)

describe('worker: a delivery of several posts resumes after the parts already shown', () => {
  it.each<[string, Failure]>([
    ['errcode -1 (system busy)', { kind: 'errcode', errcode: -1, errmsg: 'system busy' }],
    ['HTTP 502', { kind: 'status', status: 502 }],
  ])('markdown ok, text fails once with %s: the group sees the markdown once and the text once', async (_, failure) => {
    const { h, wecom } = await setup()
    wecom.inject(failure, 1, { when: isText })
    await h.accept()
    await h.settle(0)
    expect(shownTypes(wecom)).toEqual(['markdown'])
    const [d] = await h.store.waitingFor('wx', 1)
    expect(d).toMatchObject({ status: 'retrying', progress: { uuid: d.msg_uuid, sent: 1 } })

    await h.settle(5 * 60_000, 5_000)
    expect(shownTypes(wecom)).toEqual(['markdown', 'text'])
    expect(wecom.shown()[1].mentions).toEqual(['@all'])
    expect(wecom.records).toHaveLength(3) // markdown, the failed text, the text again
    const [sent] = await h.store.listDeliveries({ limit: 1 })
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    expect(sent.progress).toBeUndefined()
    const resumed = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'delivery sent')
    expect(resumed).toMatchObject({ messages: 2, alreadySent: 1, attempt: 2 })
  })

  it('the lease lost between the two parts (another replica takes over): the markdown is not posted again', async () => {
    const { h, wecom } = await setup()
    // The third lease check is the one before the text: runTarget, then one before each message.
    let checks = 0
    const store: Store = h.store
    store.leaseTarget = async () => ++checks !== 3
    await h.accept()
    await h.settle(0)
    expect(shownTypes(wecom)).toEqual(['markdown'])
    const [d] = await h.store.waitingFor('wx', 1)
    expect(d).toMatchObject({ status: 'pending', progress: { uuid: d.msg_uuid, sent: 1 } })

    await h.settle(30_000, 1_000)
    expect(shownTypes(wecom)).toEqual(['markdown', 'text'])
    expect(wecom.records).toHaveLength(2)
    expect((await h.store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('a digest in two parts whose second part fails resumes as the same digest, even after more events arrived', async () => {
    const clock = manualClock()
    const wecom = await started.wecom([{ key: 'wx-key' }], { clock })
    // The fake renderer writes 40 events per digest message: 49 events make a digest of two messages.
    const h = await started.harness({ clock, yaml: `targets:\n  wx: { type: wecom, webhook: "${wecom.webhook('wx-key')}" }\nrules:\n  - name: all\n    notify: [wx]\n` })
    for (let i = 0; i < 50; i++) await h.accept({}, { wake: false })
    const secondPart = (c: Call) => c.body.includes('pipelines/50"') // the digest's last line: events 42..50
    wecom.inject({ kind: 'errcode', errcode: -1, errmsg: 'system busy' }, 1, { when: secondPart })
    h.worker.wake()
    await h.settle(0) // event 1 alone (first send since start), then a digest of 2..50: part one shown, part two refused
    const shown = () => wecom.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
    expect(wecom.records.filter((r) => r.injected)).toHaveLength(1)
    expect(shown()).toEqual(Array.from({ length: 41 }, (_, i) => i + 1))
    for (let i = 0; i < 5; i++) await h.accept()
    await h.settle(5 * 60_000, 5_000)
    const counts = new Map<number, number>()
    for (const n of shown()) counts.set(n, (counts.get(n) ?? 0) + 1)
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1))
    expect([...counts.entries()].filter(([, c]) => c > 1)).toEqual([])
  })
})

