import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type Running } from '../helpers/server-process.js'
import { startFakeDingTalk, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { coveredNumbers } from '../delivery/harness.js'

/**
 * The real server process, killed with SIGKILL in the middle of a burst and restarted on the same DATA_DIR: every
 * event that got a 202 reaches the (fake) robot, none is shown twice (a resend carries the same msgUuid).
 */
const ROOT = join(import.meta.dirname, '../..')
const TOKEN = 'e2etoken0123456789abcdef'
const SECRET = 'SECe2e00000000000000000000'
const GITLAB_TOKEN = 'gl-e2e-token-value'
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/gitlab/pipeline-failed-adapted.json'), 'utf8'))

let fake: FakeDingTalk
let dir: string
const children: ChildProcess[] = []

beforeAll(() => {
}, 300_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await fake?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})


/** The built server on this test's DATA_DIR and rules, with the GitLab secret set. */
async function start(): Promise<Running> {
  const r = await startServer({
    cwd: dir,
    env: { DATA_DIR: join(dir, 'data'), RULES_FILE: join(dir, 'rules.yaml'), GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN, LOG_LEVEL: 'info' },
  })
  children.push(r.proc)
  return r
}

async function postPipeline(url: string, n: number): Promise<number> {
  const id = 7000 + n
  const body = { ...fixture, object_attributes: { ...fixture.object_attributes, id, iid: n, url: `http://example.com/gitlab-org/gitlab-test/-/pipelines/${id}` } }
  try {
    const res = await fetch(`${url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event-uuid': `e2e-${n}` },
      body: JSON.stringify(body),
    })
    await res.text()
    return res.status
  } catch {
    return 0 // the server died under this request: no 202, no promise made
  }
}

/** Resolves when the process has exited (also when it already had). */
const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))

const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  return cond()
}

describe('SIGKILL mid-burst, then restart', () => {
  it('delivers every event that got a 202, none twice', async () => {
    fake = await startFakeDingTalk([{ token: TOKEN, security: { secret: SECRET, keywords: ['CI'] } }])
    fake.setLatency(250) // a send is in flight most of the time: the kill lands between "sent" and "marked sent"
    dir = mkdtempSync(join(tmpdir(), 'ci-notify-e2e-'))
    writeFileSync(
      join(dir, 'rules.yaml'),
      `targets:\n  ops:\n    type: dingtalk\n    webhook: "${fake.webhook(TOKEN)}"\n    secret: "${SECRET}"\n    keyword: CI\nrules:\n  - name: all\n    notify: [ops]\n`,
    )
    const accepted = new Set<number>()
    const first = await start()
    for (let n = 1; n <= 8; n++) if ((await postPipeline(first.url, n)) === 202) accepted.add(7000 + n)
    expect(await until(() => fake.records.length >= 3, 20_000)).toBe(true)
    const inFlight = [9, 10, 11, 12].map((n) => postPipeline(first.url, n).then((s) => s === 202 && accepted.add(7000 + n)))
    first.proc.kill('SIGKILL')
    await Promise.all(inFlight)
    await exited(first.proc)
    const shownAtKill = fake.shown().length

    const second = await start()
    for (let n = 13; n <= 16; n++) if ((await postPipeline(second.url, n)) === 202) accepted.add(7000 + n)
    const shownNumbers = () => fake.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
    const allThere = await until(() => [...accepted].every((id) => shownNumbers().includes(id)), 40_000)
    await new Promise((r) => setTimeout(r, 1000)) // anything sent twice would show up now
    second.proc.kill('SIGTERM')
    const graceful = await Promise.race([exited(second.proc).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])

    const counts = new Map<number, number>()
    for (const id of shownNumbers()) counts.set(id, (counts.get(id) ?? 0) + 1)
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
    const allLogs = [first, second].map((r) => r.stdout() + r.stderr()).join('\n')
    expect(allLogs).not.toContain(TOKEN)
    expect(allLogs).not.toContain(SECRET)
  }, 120_000)
})
