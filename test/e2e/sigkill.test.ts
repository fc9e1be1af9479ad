import { afterAll, describe, expect, it } from 'vitest'
import { serverFleet } from '../helpers/server-process.js'
import { postPipeline, robotScene, until, type RobotScene } from '../helpers/robot-scene.js'

/**
 * The real server process, killed with SIGKILL in the middle of a burst and restarted on the same DATA_DIR: every
 * event that got a 202 reaches the (fake) robot, none is shown twice (a resend carries the same msgUuid).
 */
const TOKEN = 'e2etoken0123456789abcdef'
const SECRET = 'SECe2e00000000000000000000'
const GITLAB_TOKEN = 'gl-e2e-token-value'

let scene: RobotScene
const fleet = serverFleet()

afterAll(async () => {
  await fleet.killAll()
  await scene?.close()
})

/** The built server on this test's DATA_DIR and rules, with the GitLab secret set. */
const start = () => fleet.start({ cwd: scene.dir, env: { ...scene.env, GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN, LOG_LEVEL: 'info' } })

/** Pipeline `n` (id 7000+n), authenticated, with its own GitLab event UUID. */
const post = (url: string, n: number) =>
  postPipeline(url, { id: 7000 + n, iid: n, headers: { 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event-uuid': `e2e-${n}` } })

describe('SIGKILL mid-burst, then restart', () => {
  it('delivers every event that got a 202, none twice', async () => {
    // The robot answers slowly, so a send is in flight most of the time: the kill lands between "sent" and "marked sent".
    scene = await robotScene({ token: TOKEN, secret: SECRET, latencyMs: 250, dirPrefix: 'ci-notify-e2e-' })
    const { fake } = scene
    const accepted = new Set<number>()
    const first = await start()
    for (let n = 1; n <= 8; n++) if ((await post(first.url, n)) === 202) accepted.add(7000 + n)
    expect(await until(() => fake.records.length >= 3, 20_000)).toBe(true)
    const inFlight = [9, 10, 11, 12].map((n) => post(first.url, n).then((s) => s === 202 && accepted.add(7000 + n)))
    first.proc.kill('SIGKILL')
    await Promise.all(inFlight)
    await first.exited
    const shownAtKill = fake.shown().length

    const second = await start()
    for (let n = 13; n <= 16; n++) if ((await post(second.url, n)) === 202) accepted.add(7000 + n)
    const allThere = await until(() => scene.allShown(accepted), 40_000)
    await new Promise((r) => setTimeout(r, 1000)) // anything sent twice would show up now
    second.proc.kill('SIGTERM')
    const graceful = await Promise.race([second.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])

    const counts = new Map<number, number>()
    for (const id of scene.shownNumbers()) counts.set(id, (counts.get(id) ?? 0) + 1)
    const figures = {
      accepted202: accepted.size,
      shownBeforeKill: shownAtKill,
      messagesShown: fake.shown().length,
      resendsAbsorbedByMsgUuid: fake.records.filter((r) => r.duplicate).length,
      rejected: fake.records.filter((r) => r.errcode !== 0).length,
    }
    console.log('sigkill figures', JSON.stringify(figures))
    expect(allThere).toBe(true)
    expect([...counts.entries()].filter(([, c]) => c > 1)).toEqual([])
    expect(figures.rejected).toBe(0)
    expect(graceful).toBe(true) // SIGTERM: the worker lets the send in progress finish, then the process exits
    expect(accepted.size).toBeGreaterThanOrEqual(12)
    const allLogs = fleet.logs() // first and second
    expect(allLogs).not.toContain(TOKEN)
    expect(allLogs).not.toContain(SECRET)
  }, 120_000)
})
