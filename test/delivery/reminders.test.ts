import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { parseRules } from '../../rules/load.js'
import { perTest, type Harness } from './harness.js'

const TOKEN = 'tok0123456789reminder'
const started = perTest()

const yaml = (webhook: string, locale = 'zh-CN') => `
defaults: { locale: ${locale} }
targets:
  ops:
    type: dingtalk
    webhook: "${webhook}"
    keyword: CI
people:
  - { name: Alice, gitlab: alice, dingtalk: "1001" }
rules:
  - name: main broken
    match: { branch: main, transition: [broken, still_failing, first] }
    notify: [ops]
    mention: [author]
    remind_every: 1m
`

const MIN = 60_000

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ci-notify-remind-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const titles = (ding: { shown(): { message?: unknown }[] }) => ding.shown().map((r) => (r.message as { markdown: { text: string } }).markdown.text.split('\n')[0])

async function setup(locale?: string) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
  const h = await started.harness({ yaml: yaml(ding.webhook(TOKEN), locale), clock, renderers: 'real' })
  const texts = () => ding.shown().map((r) => (r.message as { markdown: { text: string } }).markdown.text)
  const titles = () => texts().map((t) => t.split('\n')[0])
  const run = (status: 'failed' | 'success', number?: number) =>
    h.accept({ status, source_status: status, commit: { title: 'x', author: { name: 'Alice', username: 'alice', email: 'a@example.com' } }, ...(number && { number }) }, { pipeline: true })
  return { h, ding, clock, texts, titles, run }
}

const reminders = (titles: string[]) => titles.filter((t) => t.includes('仍然失败，已持续') || t.includes('still failing, for'))

describe('worker: reminders (remind_every)', () => {
  it('reminds every interval while main stays broken, with the run\'s link and mentions, until a success fixes it', async () => {
    const s = await setup()
    await s.run('failed')
    await s.h.settle(0)
    expect(s.ding.shown()).toHaveLength(1)
    await s.h.settle(MIN)
    expect(reminders(s.titles())).toHaveLength(1)
    expect(s.titles()[1]).toContain('main 仍然失败，已持续 1 分钟')
    const [, first] = s.ding.shown()
    expect(first.message).toMatchObject({ at: { atUserIds: ['1001'] } })
    expect(s.texts()[1]).toContain('pipelines/1')
    await s.h.settle(2 * MIN)
    expect(reminders(s.titles())).toEqual([expect.stringContaining('已持续 1 分钟'), expect.stringContaining('已持续 2 分钟'), expect.stringContaining('已持续 3 分钟')])
    // a success fixes it: no more reminders (the rule does not match a fix, so nothing is sent for it either)
    await s.run('success')
    await s.h.settle(5 * MIN)
    expect(reminders(s.titles())).toHaveLength(3)
    expect(await s.h.store.nextTimer()).toBeUndefined()
  })

  it('a newer failed run restarts the count from its own time, keeping since when it fails', async () => {
    const s = await setup('en')
    await s.run('failed')
    await s.h.settle(MIN + 30_000)
    expect(reminders(s.titles())).toEqual([expect.stringContaining('main still failing, for 1 minute')])
    await s.run('failed')
    // the still-failing run is sent by the rule; its reminder is due a minute after it, not after the last reminder
    await s.h.settle(30_000)
    expect(reminders(s.titles())).toHaveLength(1)
    await s.h.settle(30_000)
    expect(reminders(s.titles())).toEqual([expect.stringContaining('for 1 minute'), expect.stringContaining('for 2 minutes')])
    expect(s.texts().at(-1)).toContain('pipelines/2')
    // each reminder has a msgUuid of its own: the robot showed every one
    expect(s.ding.shown().map((r) => r.msgUuid).filter((u, i, all) => all.indexOf(u) !== i)).toEqual([])
  })

  it('a silence covering it records the reminder silenced instead of sending it', async () => {
    const s = await setup()
    const app = createApp({ ...s.h.base, now: () => s.clock.now(), wake: () => s.h.worker.wake(), silencesChanged: () => s.h.worker.silencesChanged(), workerAlive: () => true })
    await s.run('failed')
    await s.h.settle(0)
    const res = await app.request('/api/silences', { method: 'POST', body: JSON.stringify({ matchers: { branch: 'main' }, duration: '90s', comment: 'known', created_by: 'ann' }) })
    expect(res.status).toBe(201)
    const { id } = await res.json()
    await s.h.settle(MIN)
    expect(reminders(s.titles())).toHaveLength(0)
    const silenced = await s.h.store.listDeliveries({ status: 'silenced', limit: 10 })
    expect(silenced).toMatchObject([{ muted_by: id, reminder_since: expect.any(Number) }])
    // once the silence is over, a pipeline still broken is reminded again
    await s.h.settle(MIN)
    expect(reminders(s.titles())).toEqual([expect.stringContaining('已持续 2 分钟')])
  })

  it('survives a restart of the worker: the next reminder is due from the store', async () => {
    const s = await setup()
    await s.run('failed')
    await s.h.settle(0)
    await s.h.worker.stop(100)
    const { Worker } = await import('../../src/delivery/worker.js')
    const again = new Worker({ ...s.h.base, random: () => 0.5 })
    again.start()
    for (let i = 0; i < 61; i++) {
      s.clock.advance(1000)
      await again.whenIdle()
    }
    await again.stop(100)
    expect(reminders(s.titles())).toEqual([expect.stringContaining('已持续 1 分钟')])
  })
})

export type { Harness }

describe('worker: a timer that fails', () => {
  it('does not stop the sends: the webhook is delivered and the error logged', async () => {
    const s = await setup()
    let calls = 0
    s.h.store.queueReminders = async () => {
      calls++
      throw new Error('reminders table unreadable')
    }
    await s.run('failed')
    await s.h.settle(MIN)
    expect(s.ding.shown()).toHaveLength(1)
    expect(calls).toBeGreaterThan(0)
    expect(s.h.logs.join('\n')).toContain('queueing groups and reminders failed')
  })
})

const failedMain = { status: 'failed', source_status: 'failed', commit: { title: 'x', author: { name: 'Alice', username: 'alice', email: 'a@example.com' } } } as const

/** A worker whose rules come from a file the test may edit and reload; `over` rewrites the YAML it starts with. */
async function reloadable(over: (y: string) => string = (y) => y) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
  const rulesFile = join(tempDir(), 'rules.yaml')
  const h = await started.harness({ yaml: over(yaml(ding.webhook(TOKEN))), clock, renderers: 'real', rulesFile })
  const reload = (edit: (y: string) => string) => {
    writeFileSync(rulesFile, edit(readFileSync(rulesFile, 'utf8')))
    h.rules.reload()
    expect(h.rules.status().lastReload).toMatchObject({ ok: true })
  }
  return { clock, ding, h, reload, sentReminders: () => reminders(titles(ding)) }
}

describe('worker: reminders after a reload', () => {
  it.each([
    ['its remind_every', (y: string) => y.replace('    remind_every: 1m\n', '')],
    ['its rule', (y: string) => y.replace(/  - name: main broken[\s\S]*$/, '  - { name: other, match: { branch: dev }, notify: [ops] }\n')],
    ['its target', (y: string) => y.replace('  ops:\n', '  dev:\n').replace('notify: [ops]', 'notify: [dev]')],
    ['its target from the rule', (y: string) => y.replace('people:', '  dev:\n    type: dingtalk\n    webhook: "https://oapi.dingtalk.com/robot/send?access_token=unused"\npeople:').replace('notify: [ops]', 'notify: [dev]')],
  ])('a reload that removes %s ends the reminders already running: the next due is recorded silenced, none follow', async (_what, edit) => {
    const { h, reload, sentReminders } = await reloadable()
    await h.accept(failedMain, { pipeline: true })
    await h.settle(MIN + 30_000)
    expect(sentReminders()).toHaveLength(1)
    reload(edit)
    await h.settle(5 * MIN)
    expect(sentReminders()).toHaveLength(1)
    const ended = await h.store.listDeliveries({ status: 'silenced', limit: 10 })
    expect(ended).toMatchObject([{ muted_by: 'rules:main broken', reminder_since: expect.any(Number) }])
    expect(await h.store.nextTimer()).toBeUndefined()
    expect(h.logs.join('\n')).toContain('reminders ended: the rules loaded now no longer ask for them')
    expect(await h.store.listDeliveries({ status: 'dead', limit: 10 })).toEqual([])
  })

  it('a reload that leaves the rule as it is, or only adds one, lets the reminders go on', async () => {
    const { h, reload, sentReminders } = await reloadable()
    await h.accept(failedMain, { pipeline: true })
    await h.settle(MIN + 30_000)
    reload((y) => y + '  - { name: other, match: { branch: dev }, notify: [ops] }\n')
    await h.settle(2 * MIN)
    expect(sentReminders()).toHaveLength(3)
    expect(await h.store.listDeliveries({ status: 'silenced', limit: 10 })).toEqual([])
  })

  it('rules loaded before the run came in (a replica not yet reloaded in a rollout) do not end what newer rules started', async () => {
    const { clock, ding, h, sentReminders } = await reloadable((y) => y.replace('    remind_every: 1m\n', ''))
    clock.advance(1000)
    const newer = parseRules(yaml(ding.webhook(TOKEN)), { file: '<newer replica>', env: {} })
    await h.accept(failedMain, { pipeline: true, routedBy: newer })
    await h.settle(2 * MIN + 30_000)
    expect(sentReminders()).toHaveLength(2)
    expect(await h.store.listDeliveries({ status: 'silenced', limit: 10 })).toEqual([])
  })
})

describe('worker: reminders and quiet hours', () => {
  it('a reminder due while its rule is muted is skipped (silenced by the interval); the next one after it is sent', async () => {
    const clock = manualClock() // 01:00 UTC
    const ding = await started.dingtalk([{ token: TOKEN, security: { keywords: ['CI'] } }], { clock })
    const quiet = yaml(ding.webhook(TOKEN)).replace(
      'rules:\n',
      'time_intervals:\n  - name: night\n    time_intervals: [{ times: [{ start_time: "01:03", end_time: "01:10" }], location: UTC }]\nrules:\n',
    ) + '    mute_time_intervals: [night]\n'
    const h = await started.harness({ yaml: quiet, clock, renderers: 'real' })
    const titles = () => ding.shown().map((r) => (r.message as { markdown: { text: string } }).markdown.text.split('\n')[0])
    await h.accept({ status: 'failed', source_status: 'failed', commit: { title: 'x', author: { name: 'Alice', username: 'alice', email: 'a@example.com' } } }, { pipeline: true })
    await h.settle(2 * MIN + 30_000) // 01:02:30: the failure and two reminders
    expect(reminders(titles())).toHaveLength(2)
    await h.settle(7 * MIN) // 01:09:30: inside the night, none more
    expect(reminders(titles())).toHaveLength(2)
    const skipped = await h.store.listDeliveries({ status: 'silenced', limit: 50 })
    expect(skipped.length).toBeGreaterThan(0)
    expect(skipped.every((d) => d.muted_by === 'interval:night' && d.reminder_since !== undefined)).toBe(true)
    await h.settle(2 * MIN) // 01:11:30: after it, reminded again
    expect(reminders(titles()).length).toBeGreaterThan(2)
  })
})
