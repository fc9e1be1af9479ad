import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strings } from '../../src/render/i18n.js'
import { coveredNumbers, harness } from '../delivery/harness.js'
import { manualClock } from '../fake-im/manual-clock.js'
import { postPipeline, until, type PipelineHook } from '../helpers/robot-scene.js'
import { serverFleet, type Running } from '../helpers/server-process.js'
import { scenes } from './scenes/index.js'
import type { Scene, SceneFake, Shown } from './scenes/types.js'

/**
 * The same end-to-end scenarios for every chat platform (scenes/index.ts), against its fake:
 * - on the real server process (one per platform, shared by the scenarios in order): a GitLab webhook is shown with
 *   its mention resolved; a 400-job pipeline fits; a commit message cannot mention anyone; the robot's credential is
 *   in no log and no API answer; a SIGKILL mid-burst loses nothing;
 * - on the worker with a simulated clock: 60 events in a minute are digested with no rate-limit error.
 * Waits are causal (until the fake shows something); the figures are printed for the record, not asserted.
 */
const GITLAB_TOKEN = 'gl-e2e-platforms-token'
const fleet = serverFleet()
const dirs: string[] = []
afterAll(async () => {
  await fleet.killAll()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Mention markup of every platform, aimed at Alice, at an id the fakes know, and at everyone. */
const HOSTILE = [
  ...new Set([
    '@13800000000',
    '<@U123>',
    '<!channel>',
    '<!here>',
    '<at user_id="all">所有人</at>',
    '<at>Alice</at>',
    '@all',
    '@所有人',
    ...scenes.flatMap((s) => s.mentionSyntax),
  ]),
].join(' ')

/** Rules: every event to the scene's robot, mentioning its actor; Alice is GitLab's `gitlabUser`. */
const rulesYaml = (scene: Scene, fake: SceneFake, gitlabUser: string) => `targets:
  ops: ${JSON.stringify(fake.target)}
people:
  - name: Alice
    gitlab: ${gitlabUser}
    ${scene.alice.key}: ${JSON.stringify(scene.alice.value)}
rules:
  - name: all
    notify: [ops]
    mention: [actor]
`

const covers = (s: Shown, id: number) => coveredNumbers(JSON.stringify(s.message)).includes(id)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
/** "…and N more" in the rules' locale (zh-CN), as a pattern that captures N. */
const MORE = new RegExp(strings['zh-CN'].more(987_654_321).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('987654321', '(\\d+)'))
/** The sum of a counter's samples in a /metrics answer. */
const metric = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0)

for (const scene of scenes) {
  describe(`${scene.name}: the real server, a GitLab webhook, the fake robot`, () => {
    let fake: SceneFake
    let server: Running
    let dir: string
    const start = () =>
      fleet.start({ cwd: dir, env: { DATA_DIR: join(dir, 'data'), RULES_FILE: join(dir, 'rules.yaml'), GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN, LOG_LEVEL: 'debug' } })
    /** Pipeline `id` to `url`, with its own GitLab event UUID; resolves to the HTTP status. */
    const post = (url: string, id: number, edit?: (b: PipelineHook) => void) =>
      postPipeline(url, { id, iid: id, headers: { 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event-uuid': `${scene.name}-${id}` }, edit })
    /** Posts pipeline `id`, expects a 202 and waits until the group shows it; returns what shows it and how long that took. */
    async function deliver(id: number, edit?: (b: PipelineHook) => void): Promise<{ shown: Shown[]; ms: number }> {
      const t0 = Date.now()
      expect(await post(server.url, id, edit)).toBe(202)
      expect(await until(() => fake.shown().some((s) => covers(s, id)), 60_000)).toBe(true)
      return { shown: fake.shown().filter((s) => covers(s, id)), ms: Date.now() - t0 }
    }

    beforeAll(async () => {
      fake = await scene.start()
      // The first answers fail: a 500, then an error quoting the URL and the secret, which the worker logs and stores.
      fake.failTwice(`upstream failed: POST ${fake.target.webhook} with ${fake.secrets.join(', ')}`)
      dir = mkdtempSync(join(tmpdir(), `ci-notify-e2e-${scene.name}-`))
      dirs.push(dir)
      writeFileSync(join(dir, 'rules.yaml'), rulesYaml(scene, fake, 'root'))
      server = await start()
    })
    afterAll(() => fake?.close())

    it('mentions resolve: the message is shown with the actor notified by their id', async () => {
      const { shown, ms } = await deliver(101)
      console.log(`${scene.name} first webhook`, JSON.stringify({ deliveredAfterMs: ms, failuresBefore: fake.requests().filter((r) => r.injected).length }))
      expect(shown.flatMap((s) => s.notified)).toEqual([scene.alice.notified])
      expect(shown.flatMap((s) => s.unresolved)).toEqual([])
    })

    it('a 400-job pipeline fits: taken by the robot, "…and N more", no character cut', async () => {
      const family = '👨‍👩‍👧'
      const { shown } = await deliver(201, (b) => {
        const job = b.builds[0]
        b.builds = Array.from({ length: 400 }, (_, i) => ({ ...job, id: 20_000 + i, stage: 'test', name: `e2e-${family}-job-${i}`, status: 'failed', failure_reason: 'script_failure', when: 'on_success', manual: false }))
      })
      const visible = shown.map((s) => s.visible).join('\n')
      const n = Number(MORE.exec(visible)?.[1])
      const listed = visible.match(new RegExp(`e2e-${family}-job-\\d+`, 'gu')) ?? []
      console.log(`${scene.name} 400 jobs`, JSON.stringify({ messages: shown.length, jobsListed: listed.length, more: n, bodyBytes: shown.map((s) => Buffer.byteLength(JSON.stringify(s.message))) }))
      expect(n).toBeGreaterThan(0)
      expect(listed.length + n).toBeGreaterThanOrEqual(400)
      // Every job name shown is whole: none cut inside its emoji or its number.
      expect((visible.match(/e2e-/g) ?? []).length).toBe(listed.length)
      for (const s of shown) {
        const text = JSON.stringify(s.message)
        expect(LONE_SURROGATE.test(text)).toBe(false)
        expect(text).not.toContain('\ufffd')
      }
      expect(fake.requests().filter((r) => !r.ok && !r.injected)).toEqual([])
    })

    it('a commit message, branch or name cannot mention anyone', async () => {
      const { shown } = await deliver(301, (b) => {
        b.object_attributes.ref = HOSTILE
        Object.assign(b.commit, { title: HOSTILE, message: HOSTILE, author: { name: HOSTILE, email: 'mallory@example.com' } })
        // An actor nobody knows: the rule's mention stays a name, and that name is hostile too.
        Object.assign(b.user, { username: 'mallory', name: HOSTILE, email: 'mallory@example.com' })
      })
      expect(shown.flatMap((s) => s.notified)).toEqual([])
      expect(shown.flatMap((s) => s.unresolved)).toEqual([])
      // Shown as text, not dropped.
      expect(shown.map((s) => s.visible).join('\n')).toContain('13800000000')
    })

    it('the robot credential is in no log line and no API answer, an error for its URL included', async () => {
      expect(fake.requests().slice(0, 3).map((r) => r.injected)).toEqual([true, true, false])
      expect(fake.requests()[0].http).toBe(500)
      const answers: string[] = []
      for (const path of ['/api/status', '/api/deliveries', '/api/deliveries?status=sent', '/api/events', '/metrics']) answers.push(await (await fetch(`${server.url}${path}`)).text())
      const events = JSON.parse(answers[3]) as { events?: { id: string }[] } | { id: string }[]
      for (const e of (Array.isArray(events) ? events : (events.events ?? [])).slice(0, 5)) answers.push(await (await fetch(`${server.url}/api/events/${e.id}`)).text())
      const all = answers.join('\n')
      expect(all).toContain('ops')
      const logs = server.stdout() + server.stderr()
      expect(all).toContain('http_5xx')
      // The quoted failure was logged and stored, redacted.
      expect(logs).toContain('upstream failed: POST ')
      expect(all).toContain('upstream failed: POST ')
      for (const secret of fake.secrets) {
        expect(logs).not.toContain(secret)
        expect(all).not.toContain(secret)
      }
    })

    it('a SIGKILL mid-burst loses nothing: every event that got a 202 is shown', async () => {
      fake.setLatency(250) // a send is in flight most of the time: the kill lands between "sent" and "marked sent"
      const accepted = new Set<number>()
      const take = (id: number) => (status: number) => void (status === 202 && accepted.add(id))
      const before = fake.requests().length
      for (let id = 501; id <= 508; id++) take(id)(await post(server.url, id))
      expect(await until(() => fake.requests().length > before, 60_000)).toBe(true) // the burst is being sent
      const inFlight = [509, 510, 511, 512].map((id) => post(server.url, id).then(take(id)))
      server.proc.kill('SIGKILL')
      await Promise.all(inFlight)
      await server.exited
      const shownAtKill = fake.shown().length

      const t0 = Date.now()
      server = await start()
      for (let id = 513; id <= 516; id++) take(id)(await post(server.url, id))
      const lost = () => [...accepted].filter((id) => !fake.shown().some((s) => covers(s, id)))
      expect(await until(() => lost().length === 0, 120_000, 100)).toBe(true)
      // Nothing left to send: any resend has happened.
      const depth = async () => ((await (await fetch(`${server.url}/api/status`)).json()) as { queue: { depth: number } }).queue.depth
      let idle = false
      for (const end = Date.now() + 60_000; !idle && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) idle = (await depth()) === 0
      expect(idle).toBe(true)

      const shownIds = fake.shown().flatMap((s) => coveredNumbers(JSON.stringify(s.message))).filter((id) => id > 500 && id < 600)
      const duplicates = shownIds.length - new Set(shownIds).size
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      console.log(
        `${scene.name} sigkill`,
        JSON.stringify({
          accepted202: accepted.size,
          shownAtKill,
          messagesShown: fake.shown().length,
          digestsAfterRestart: metric(metrics, 'ci_notify_digests_total'),
          eventsShownTwice: duplicates,
          resendsDroppedByKey: fake.requests().filter((r) => r.duplicate).length,
          allShownAfterRestartMs: Date.now() - t0,
        }),
      )
      expect(lost()).toEqual([])
      expect(accepted.size).toBeGreaterThanOrEqual(12)
      // Where the platform drops a resend by its key, nothing is shown twice; elsewhere at-least-once is the contract.
      if (scene.dedupes) expect(duplicates).toBe(0)
      expect(fake.requests().filter((r) => !r.ok && !r.injected)).toEqual([])
      // SIGTERM: the worker lets the send in progress finish, then the process exits.
      server.proc.kill('SIGTERM')
      expect(await Promise.race([server.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])).toBe(true)
      for (const secret of fake.secrets) expect(fleet.logs()).not.toContain(secret)
    }, 240_000)
  })

  describe(`${scene.name}: a burst of 60 events in one simulated minute (worker, real renderer)`, () => {
    it('is digested; every event shown exactly once; no rate-limit error', async () => {
      const clock = manualClock()
      const fake = await scene.start({ clock })
      const h = await harness({ clock, renderers: 'real', yaml: rulesYaml(scene, fake, 'alice') })
      try {
        const acceptedAt = new Map<number, number>()
        for (let i = 0; i < 60; i++) {
          acceptedAt.set(await h.accept({ status: i % 3 === 0 ? 'success' : 'failed' }), clock.now())
          await h.settle(1000, 250)
        }
        await h.settle(15 * 60_000, 1_000)
        const shown = fake.shown()
        const covered = shown.flatMap((s) => coveredNumbers(JSON.stringify(s.message)))
        const firstAt = new Map<number, number>()
        for (const s of shown) for (const n of coveredNumbers(JSON.stringify(s.message))) if (!firstAt.has(n)) firstAt.set(n, s.at)
        const latencies = [...firstAt].map(([n, at]) => at - acceptedAt.get(n)!).sort((a, b) => a - b)
        const requests = fake.requests()
        const figures = {
          events: 60,
          messagesShown: shown.length,
          digests: (await h.metrics.digests.get()).values.reduce((n, v) => n + v.value, 0),
          eventsShownTwice: covered.length - new Set(covered).size,
          rateLimited: requests.filter((r) => r.rateLimited).length,
          refused: requests.filter((r) => !r.ok).length,
          medianDeliverS: latencies[Math.floor(latencies.length / 2)] / 1000,
          maxDeliverS: latencies.at(-1)! / 1000,
        }
        console.log(`${scene.name} burst`, JSON.stringify(figures))
        expect(requests.filter((r) => r.rateLimited)).toEqual([])
        expect(figures.refused).toBe(0)
        expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
        expect(figures.digests).toBeGreaterThan(0)
        for (const secret of fake.secrets) expect(h.logs.join('')).not.toContain(secret)
      } finally {
        await h.close()
        await fake.close()
      }
    }, 120_000)
  })
}
