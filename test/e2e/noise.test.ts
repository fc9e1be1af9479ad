import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { harness, type Harness } from '../delivery/harness.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { SECRETS } from '../http/requests.js'
import { isReminder, noiseRules, pipelineHook, pipelinesIn } from './noise-scene.js'

/**
 * Grouping and reminders end to end, in one process with a manual clock: GitLab webhooks into the real HTTP app (202),
 * routed by the rules, held or reminded through the store, rendered by the real renderer and shown by the fake
 * DingTalk robot (keyword checked). The clock is the ingest's too, so group_wait and remind_every run on it.
 */
const open: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
})

async function scene() {
  const clock = manualClock()
  const ding: FakeDingTalk = await startFakeDingTalk([{ token: 'tok-noise', security: { keywords: ['CI'] } }], { clock })
  open.push(ding)
  const h: Harness = await harness({ clock, renderers: 'real', settings: { secrets: { gitlab: SECRETS.gitlab } }, yaml: noiseRules(ding.webhook('tok-noise')) })
  open.push(h)
  const app = createApp({ ...h.base, now: () => clock.now(), wake: () => h.worker.wake(), workerAlive: () => true })
  const post = async (r: ReturnType<typeof pipelineHook>) => expect((await app.request(r.path, r.init)).status).toBe(202)
  const texts = () => ding.shown().map((r) => (r.message as { markdown: { text: string } }).markdown.text)
  return { clock, ding, h, post, texts }
}

describe('grouping end to end: a burst within group_wait', () => {
  it('10 pipelines of one project within group_wait become one message listing all 10, after the wait', async () => {
    const s = await scene()
    for (let i = 1; i <= 10; i++) {
      await s.post(pipelineHook({ id: 100 + i, status: i % 3 ? 'success' : 'failed', ref: `feature-${i}`, project: 'mono/app' }))
      await s.h.settle(2000) // 10 webhooks over 20 s
    }
    expect(s.texts()).toEqual([])
    await s.h.settle(10_000)
    expect(s.texts()).toHaveLength(1)
    expect(s.texts()[0]).toContain('10 条构建通知')
    expect(pipelinesIn(s.texts()[0]).sort()).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110])
    // another project in the same burst is a group of its own; nothing else arrives later
    await s.h.settle(60_000)
    expect(s.texts()).toHaveLength(1)
    expect(s.ding.records.filter((r) => r.errcode !== 0)).toEqual([])
  })
})

describe('reminders end to end: a broken main with remind_every: 1m', () => {
  it('reminds every minute with the failed run\'s link and the @, until a success fixes it', async () => {
    const s = await scene()
    await s.post(pipelineHook({ id: 200, status: 'failed' }))
    await s.h.settle(0)
    expect(s.texts()).toHaveLength(1)
    await s.h.settle(3 * 60_000)
    const reminders = s.texts().filter(isReminder)
    expect(reminders.map((t) => t.split('\n')[0])).toEqual([
      expect.stringContaining('master 仍然失败，已持续 1 分钟'),
      expect.stringContaining('master 仍然失败，已持续 2 分钟'),
      expect.stringContaining('master 仍然失败，已持续 3 分钟'),
    ])
    for (const t of reminders) expect(pipelinesIn(t)).toContain(200)
    expect(s.ding.shown().slice(1).every((r) => JSON.stringify(r.message).includes('admin_ding'))).toBe(true)
    await s.post(pipelineHook({ id: 201, status: 'success' }))
    await s.h.settle(5 * 60_000)
    expect(s.texts()).toHaveLength(5) // the failure, 3 reminders, the fix
    expect(s.texts()[4]).toContain('修复')
  })
})
