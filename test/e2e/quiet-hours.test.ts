import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { coveredNumbers } from '../delivery/harness.js'
import { serverFleet } from '../helpers/server-process.js'
import { postPipeline, robotScene, until, type RobotScene } from '../helpers/robot-scene.js'

/**
 * Issue 19, quiet hours on the real server against the fake DingTalk robot: a time interval covering the next minute
 * or two (real time: the server process has no simulated clock) holds every webhook routed during it, a SIGKILL and
 * a restart in the middle lose nothing, and at the interval's end the group gets one catch-up digest of all of them.
 */
const TOKEN = 'quiethourstoken0123456789abcd'
const SECRET = 'SECquiethours00000000000000'
const fleet = serverFleet()
let scene: RobotScene | undefined
afterAll(async () => {
  await fleet.killAll()
  await scene?.close()
})

const hhmm = (minute: number) => new Date(minute * 60_000).toISOString().slice(11, 16)

describe('quiet hours end to end', () => {
  it('hold deliveries across a SIGKILL and restart, then one catch-up digest arrives at the end', async () => {
    scene = await robotScene({ token: TOKEN, secret: SECRET, latencyMs: 20, dirPrefix: 'ci-notify-quiet-' })
    const { fake } = scene
    // From this minute to a minute boundary at least 25 s away (UTC, so the test reads the same anywhere).
    const start = Math.floor(Date.now() / 60_000)
    const end = Math.ceil((Date.now() + 25_000) / 60_000)
    writeFileSync(
      join(scene.dir, 'rules.yaml'),
      `targets:
  ops: { type: dingtalk, webhook: "${fake.webhook(TOKEN)}", secret: "${SECRET}", keyword: CI }
time_intervals:
  - name: quiet
    time_intervals:
      - times: [{ start_time: "${hhmm(start)}", end_time: "${hhmm(end)}" }]
        location: UTC
rules:
  - name: all
    notify: [ops]
    mute_time_intervals: [quiet]
`,
    )
    const start1 = () => fleet.start({ cwd: scene!.dir, env: { ...scene!.env, LOG_LEVEL: 'info' } })
    let server = await start1()
    const post = (id: number) => postPipeline(server.url, { id, iid: id, headers: {} })
    for (const id of [701, 702, 703]) expect(await post(id)).toBe(202)
    const held = async () => ((await (await fetch(`${server.url}/api/deliveries?status=held`)).json()) as { deliveries: { held: { until: string } }[] }).deliveries
    expect((await held()).map((d) => d.held.until)).toEqual(Array(3).fill(new Date(end * 60_000).toISOString()))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toContain('ci_notify_deliveries_total{target="ops",result="held"} 3')

    server.proc.kill('SIGKILL')
    await server.exited
    server = await start1()
    expect(await post(704)).toBe(202)
    expect(await held()).toHaveLength(4)
    expect(fake.shown()).toEqual([])

    // The catch-up comes at the interval's end (the worker looks at the store at least every 5 s), and only once.
    expect(await until(() => fake.shown().length > 0, (end * 60_000 - Date.now()) + 30_000, 100)).toBe(true)
    // Order, not speed: the robot received the catch-up no earlier than the interval's end.
    expect(fake.shown()[0].at).toBeGreaterThanOrEqual(end * 60_000)
    await new Promise((r) => setTimeout(r, 6000))
    const shown = fake.shown().map((r) => JSON.stringify(r.message))
    expect(shown).toHaveLength(1)
    expect(shown[0]).toContain('「quiet」时段内：4 条通知')
    // One pipeline (the same project and branch): the digest lists its newest run, and counts all four.
    expect(coveredNumbers(shown[0])).toEqual([704])
    console.log('quiet hours e2e', JSON.stringify({ held: 4, restarts: 1, messagesShown: shown.length }))
  }, 200_000)
})
