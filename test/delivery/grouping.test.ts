import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, perTest, type Harness } from './harness.js'

const TOKEN = 'tok0123456789grouping'
const started = perTest()

const yaml = (webhook: string, rule: string) => `
targets:
  ops:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
  dev:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
people:
  - { name: Alice, gitlab: alice, dingtalk: "1001" }
  - { name: Bob, gitlab: bob, dingtalk: "1002" }
rules:
${rule}
  - name: rest
    notify: [dev]
`

const grouped = `  - name: app
    match: { project: "g/**" }
    notify: [ops]
    mention: [author]
    group_by: [project]
    group_wait: 30s`

async function setup(rule = grouped, o: { real?: boolean } = {}) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
  const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), rule), clock, ...(o.real && { renderers: 'real' as const }) })
  const messages = () => ding.shown().map((r) => JSON.stringify(r.message))
  return { h, ding, clock, messages, numbers: () => messages().map(coveredNumbers) }
}

const project = (path: string) => ({ project: { name: path, path, url: `https://gitlab.example.com/${path}` } })
const by = (username: string) => ({ commit: { title: 'x', author: { name: username, username, email: `${username}@example.com` } } })
const statuses = async (h: Harness) => (await h.store.listDeliveries({ limit: 100 })).reverse().map((d) => [d.event_id, d.status, d.in_group ?? d.group_of ?? null])

describe('worker: grouping (group_by, group_wait)', () => {
  it('holds the first event for group_wait, sends everything that joined as one digest after it, each group on its own', async () => {
    const s = await setup()
    await s.h.accept(project('g/a'))
    await s.h.settle(10_000)
    await s.h.accept(project('g/b'))
    await s.h.accept(project('g/a'))
    await s.h.settle(10_000)
    await s.h.accept(project('g/a'))
    expect(s.numbers()).toEqual([])
    // group g/a opened at 0 s, due at 30 s; g/b opened at 10 s, due at 40 s
    await s.h.settle(10_000)
    expect(s.numbers()).toEqual([[1, 3, 4]])
    expect(s.messages()[0]).toContain('3 条构建通知')
    await s.h.settle(10_000)
    expect(s.numbers()).toEqual([[1, 3, 4], [2]])
    // a lone event goes in its own normal message, not a digest of one
    expect(s.messages()[1]).not.toContain('条构建通知')
    // events after the flush open a new group
    await s.h.accept(project('g/a'))
    await s.h.settle(29_000)
    expect(s.numbers()).toHaveLength(2)
    await s.h.settle(2_000)
    expect(s.numbers()).toEqual([[1, 3, 4], [2], [5]])
    const st = await statuses(s.h)
    expect(st.filter(([, status]) => status === 'grouped').map(([e]) => e)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5'])
    expect(st.filter(([, status]) => status === 'sent').map(([e]) => e)).toEqual(['ev-4', 'ev-2', 'ev-5'])
  })

  it('sends the union of every event\'s mentions, and each event keeps its transition', async () => {
    const s = await setup(grouped, { real: true })
    await s.h.accept({ ...project('g/a'), ...by('alice') }, { pipeline: true })
    await s.h.accept({ ...project('g/a'), ...by('bob'), status: 'success', source_status: 'success' }, { pipeline: true })
    await s.h.settle(31_000)
    const shown = s.ding.shown()
    expect(shown).toHaveLength(1)
    const msg = shown[0].message as { at: { atUserIds: string[] }; markdown: { text: string } }
    expect(msg.at.atUserIds.sort()).toEqual(['1001', '1002'])
    // the second run fixed what the first broke: its line says so
    expect(msg.markdown.text).toContain('🎉')
  })

  it('does not hold what other rules send to other targets, nor a rule without group_wait', async () => {
    const s = await setup()
    await s.h.accept(project('other/x'))
    await s.h.settle(0)
    expect(s.numbers()).toEqual([[1]])
    const plain = await setup(`  - name: app
    match: { project: "g/**" }
    notify: [ops]`)
    await plain.h.accept(project('g/a'))
    await plain.h.accept(project('g/a'))
    await plain.h.settle(0)
    expect(plain.numbers()).toEqual([[1], [2]])
  })

  it('keeps a held group across a restart of the worker and the store', async () => {
    const s = await setup()
    await s.h.accept(project('g/a'))
    await s.h.accept(project('g/a'))
    await s.h.worker.stop(100)
    const { Worker } = await import('../../src/delivery/worker.js')
    const again = new Worker({ ...s.h.base, random: () => 0.5 })
    again.start()
    s.clock.advance(31_000)
    await again.whenIdle()
    // the timer of the new worker fires at the group's end
    for (let i = 0; i < 5 && !s.numbers().length; i++) {
      s.clock.advance(1000)
      await again.whenIdle()
    }
    await again.stop(100)
    expect(s.numbers()).toEqual([[1, 2]])
  })

  it('shows a grouped delivery in the API with its group', async () => {
    const s = await setup()
    await s.h.accept(project('g/a'))
    const app = createApp({ ...s.h.base, now: () => s.clock.now(), wake: () => s.h.worker.wake(), workerAlive: () => true })
    const event = await (await app.request('/api/events/ev-1')).json()
    expect(event.deliveries).toMatchObject([{ target: 'ops', status: 'grouped' }])
    const listed = await (await app.request('/api/deliveries?status=grouped')).json()
    expect(listed.deliveries.map((d: { event_id: string }) => d.event_id)).toEqual(['ev-1'])
  })
})
