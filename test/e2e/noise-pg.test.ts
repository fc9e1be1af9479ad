import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Worker } from '../../src/delivery/worker.js'
import { createApp } from '../../src/http/server.js'
import { perTest } from '../delivery/harness.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { pgSchemas, reachable } from '../helpers/pg.js'
import { replicaBase } from '../helpers/replica.js'
import { SECRETS } from '../http/requests.js'
import { isReminder, noiseRules, pipelineHook, pipelinesIn } from './noise-scene.js'

/**
 * Grouping and reminders with three replicas on one PostgreSQL (the shape of the silences' replica test): each replica
 * is the real HTTP app and worker, webhooks go to them in turn, and the fake DingTalk counts what reaches the group.
 * Every group and every reminder is claimed in the store, so each is sent once, not once per replica.
 */
const schemas = pgSchemas()
beforeAll(reachable)
afterAll(() => schemas.dropAll())
const started = perTest()

async function replicas(n: number) {
  const clock = manualClock()
  const ding = await started.dingtalk([{ token: 'tok-noise-pg', security: { keywords: ['CI'] } }], { clock })
  const yaml = noiseRules(ding.webhook('tok-noise-pg'))
  const schema = await schemas.empty()
  const one = async () => {
    const store = await schemas.open(schema)
    const base = replicaBase({ store, yaml, clock, settings: { secrets: { gitlab: SECRETS.gitlab } } })
    const worker = new Worker({ ...base, random: () => 0.5 })
    worker.start()
    const app = createApp({ ...base, now: () => clock.now(), wake: () => worker.wake(), workerAlive: () => true })
    return { store, worker, app, close: async () => (await worker.stop(1000), await store.close()) }
  }
  const all = await Promise.all(Array.from({ length: n }, one))
  for (const r of all) started.track(r)
  const settle = async (ms: number) => {
    for (let t = 0; t <= ms; t += 1000) {
      if (t) clock.advance(1000)
      for (const r of all) r.worker.wake()
      await Promise.all(all.map((r) => r.worker.whenIdle()))
    }
  }
  let turn = 0
  const post = async (req: ReturnType<typeof pipelineHook>) => {
    const r = all[turn++ % all.length]
    expect((await r.app.request(req.path, req.init)).status).toBe(202)
  }
  const texts = () => ding.shown().map((r) => (r.message as { markdown: { text: string } }).markdown.text)
  return { clock, ding, settle, post, texts }
}

describe('grouping and reminders on PostgreSQL with three replicas', () => {
  it('a burst of 10 pipelines across the replicas is one group message', async () => {
    const s = await replicas(3)
    for (let i = 1; i <= 10; i++) {
      await s.post(pipelineHook({ id: 300 + i, status: i % 2 ? 'success' : 'failed', ref: `feature-${i}`, project: 'mono/app' }))
      await s.settle(1000)
    }
    await s.settle(30_000)
    expect(s.texts()).toHaveLength(1)
    expect(pipelinesIn(s.texts()[0]).sort()).toEqual([301, 302, 303, 304, 305, 306, 307, 308, 309, 310])
    // one POST, not one the robot absorbed as a repeated msgUuid: the group was queued once
    expect(s.ding.records).toHaveLength(1)
  })

  it('a broken main is reminded once per minute, not once per replica, until a success on another replica fixes it', async () => {
    const s = await replicas(3)
    await s.post(pipelineHook({ id: 400, status: 'failed' }))
    await s.settle(3 * 60_000)
    expect(s.texts().filter(isReminder).map((t) => t.split('\n')[0])).toEqual([
      expect.stringContaining('已持续 1 分钟'),
      expect.stringContaining('已持续 2 分钟'),
      expect.stringContaining('已持续 3 分钟'),
    ])
    await s.post(pipelineHook({ id: 401, status: 'success' }))
    await s.settle(3 * 60_000)
    expect(s.texts()).toHaveLength(5) // the failure, 3 reminders, the fix
    expect(s.ding.records).toHaveLength(5)
    expect(s.ding.records.filter((r) => r.errcode !== 0)).toEqual([])
  })
})
