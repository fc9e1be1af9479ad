import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { coveredNumbers, harness } from '../delivery/harness.js'
import { startFakeFeishu, type FakeFeishu } from '../fake-im/feishu.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { serverFleet } from '../helpers/server-process.js'
import { postPipeline, until } from '../helpers/robot-scene.js'

/**
 * Feishu end to end: the real server process takes GitLab's webhook, the worker renders and signs, the fake Feishu
 * bot (outbound-more.md §1.9) shows the post with its mention resolved; the token in the webhook's path never
 * reaches a log line or an API answer. Then a burst, on a simulated clock: digested, with no 11232 / 9499.
 */
const TOKEN = 'fs0a1b2c3d-4e5f-6789-abcd-ef0123456789'
const SECRET = 'feishu-e2e-sign-secret'
const GITLAB_TOKEN = 'gl-feishu-e2e-token'

const fleet = serverFleet()
let fake: FakeFeishu | undefined
let dir: string | undefined
afterAll(async () => {
  await fleet.killAll()
  await fake?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const rules = (webhook: string, extra = '') => `targets:
  ops:
    type: feishu
    webhook: "${webhook}"
    secret: "${SECRET}"
    keyword: CI
${extra}people:
  - name: Alice
    gitlab: root
    feishu: ou_alice
rules:
  - name: all
    notify: [ops]
    mention: [Alice]
`

describe('Feishu: GitLab webhook → server → fake Feishu', () => {
  it('shows the post with the mention resolved, signed and with its keyword; the token is in no log and no API answer', async () => {
    fake = await startFakeFeishu([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] }, members: [{ openId: 'ou_alice', name: 'Alice' }] }])
    // The first answer is a 500: the worker logs and stores an error for a URL that holds the token, then retries.
    fake.inject({ kind: 'status', status: 500 }, 1)
    dir = mkdtempSync(join(tmpdir(), 'ci-notify-feishu-'))
    writeFileSync(join(dir, 'rules.yaml'), rules(fake.webhook(TOKEN)))
    const s = await fleet.start({ cwd: dir, env: { DATA_DIR: join(dir, 'data'), RULES_FILE: join(dir, 'rules.yaml'), GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN, LOG_LEVEL: 'debug' } })
    const status = await postPipeline(s.url, { id: 9101, iid: 101, headers: { 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event-uuid': 'feishu-e2e-1' } })
    expect(status).toBe(202)
    expect(await until(() => fake!.shown(TOKEN).length === 1, 30_000)).toBe(true)
    const [shown] = fake.shown(TOKEN)
    expect(shown.mentions).toEqual({ resolved: ['ou_alice'], unresolved: [] })
    expect((shown.message as { msg_type: string }).msg_type).toBe('post')
    expect(shown.visible).toContain('CI ❌')
    expect(shown.visible).toContain('@Alice')
    expect(coveredNumbers(shown.body)).toContain(9101)
    expect(fake.records.map((r) => r.http)).toEqual([500, 200])

    const answers: string[] = []
    for (const path of ['/api/status', '/api/deliveries', '/api/events', '/metrics']) answers.push(await (await fetch(`${s.url}${path}`)).text())
    expect(answers.join('\n')).toContain('ops')
    expect(answers.join('\n')).toContain('http_5xx')
    for (const text of [fleet.logs(), ...answers]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(SECRET)
    }
  }, 90_000)
})

describe('Feishu: a burst of 60 events in one simulated minute (real renderer)', () => {
  it('is digested; every event shown once; no 11232 or 9499 "too many request"; ≤ 5 sends in any second', async () => {
    const clock = manualClock()
    const burst = await startFakeFeishu([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] }, members: [{ openId: 'ou_alice' }] }], { clock })
    const h = await harness({ clock, renderers: 'real', yaml: rules(burst.webhook(TOKEN)).replace('mention: [Alice]', 'mention: [author]').replace('gitlab: root', 'gitlab: alice') })
    try {
      for (let i = 0; i < 60; i++) {
        await h.accept({ status: i % 3 === 0 ? 'success' : 'failed' })
        await h.settle(1000, 250)
      }
      await h.settle(10 * 60_000, 1_000)
      const shown = burst.shown()
      const covered = shown.flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
      const digests = (await h.metrics.digests.get()).values.reduce((n, v) => n + v.value, 0)
      const maxPerSecond = Math.max(...shown.map((r) => shown.filter((x) => x.at >= r.at && x.at < r.at + 1000).length))
      const figures = { events: 60, messagesSent: shown.length, digests, rejected: burst.records.filter((r) => r.code !== 0).length, maxPerSecond }
      console.log('feishu burst figures', JSON.stringify(figures))
      expect(burst.records.filter((r) => r.code === 11232 || r.code === 9499)).toEqual([])
      expect(figures.rejected).toBe(0)
      expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
      expect(digests).toBeGreaterThan(0)
      expect(maxPerSecond).toBeLessThanOrEqual(5)
      expect(h.logs.join('')).not.toContain(TOKEN)
    } finally {
      await h.close()
      await burst.close()
    }
  }, 120_000)
})
