import { describe, expect, it } from 'vitest'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, perTest } from './harness.js'

const started = perTest()

describe('worker: one robot never starves the others', () => {
  it('a robot down with more than 500 deliveries queued: another robot still gets its message at once', async () => {
    const clock = manualClock()
    const ding = await started.dingtalk([{ token: 'down-token', security: { keywords: ['CI'] } }], { clock })
    const wecom = await started.wecom([{ key: 'up-key' }], { clock })
    const h = await started.harness({
      clock,
      yaml: `
targets:
  down: { type: dingtalk, webhook: "${ding.webhook('down-token')}", keyword: CI }
  up: { type: wecom, webhook: "${wecom.webhook('up-key')}" }
rules:
  - name: all
    notify: [down, up]
`,
    })
    ding.inject({ kind: 'status', status: 503 })
    // The backlog is older (lower ids) than the other robot's delivery, and more than one read of 500 rows holds.
    for (let i = 0; i < 520; i++) await h.accept({}, { targets: ['down'], wake: false })
    const last = await h.accept({}, { targets: ['up'], wake: false })
    h.worker.wake()
    await h.settle(0)
    expect(wecom.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))).toEqual([last])
    expect(ding.shown()).toHaveLength(0)
    expect(ding.records.length).toBeGreaterThan(0) // the robot that is down was tried, and is retrying
    const [head] = await h.store.waitingFor('down', 1)
    expect(head).toMatchObject({ status: 'retrying', last_errmsg: 'HTTP 503' })

    // And while it stays down, newer deliveries to the other robot keep going out.
    const next = await h.accept({}, { targets: ['up'] })
    await h.settle(10 * 60_000, 10_000)
    expect(wecom.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))).toEqual([last, next])
    expect(ding.shown()).toHaveLength(0)
  })
})
