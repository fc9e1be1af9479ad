import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serverFleet, type Running } from '../helpers/server-process.js'

/**
 * Issue 16, item 1: a crowd of sockets each declaring a 1 MB body, sending what the kernel takes of it and stalling,
 * must not grow the server's memory by the bodies' size (it grew by 1 GB when every body was read before its
 * secret was checked). Measured on a real server process: its peak RSS (VmHWM) against its RSS before the attack.
 */
const fleet = serverFleet()
afterAll(() => fleet.killAll())

const SOCKETS = Number(process.env.MEM_SOCKETS ?? 1000)
const BODY = 1024 * 1024
const MB = 1024 * 1024
const GITLAB_TOKEN = 'gl-memory-test-token-1'
const GITHUB_SECRET = 'gh-memory-test-secret-1'
const IN_FLIGHT = 16

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

type Answer = { status: number; retryAfter?: string } | { closed: true }

/**
 * One socket: the head, then as much of the body as the kernel takes without buffering in this process, then nothing
 * more (the socket stays open). Resolves with the server's answer, or with `closed` when the server cuts it first.
 */
function stalledUpload(port: number, head: string): { socket: Socket; answer: Promise<Answer>; connected: Promise<void> } {
  const socket = connect({ host: '127.0.0.1', port })
  const connected = new Promise<void>((resolve) => {
    socket.once('connect', () => resolve())
    socket.once('close', () => resolve())
  })
  const answer = new Promise<Answer>((resolve) => {
    let got = ''
    socket.on('data', (d) => {
      got += d.toString('latin1')
      const end = got.indexOf('\r\n\r\n')
      if (end < 0) return
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1])
      resolve({ status, retryAfter: /\r\nretry-after: (\S+)/i.exec(got.slice(0, end))?.[1] })
    })
    socket.on('error', () => resolve({ closed: true }))
    socket.on('close', () => resolve({ closed: true }))
  })
  socket.on('connect', () => {
    socket.write(head)
    const chunk = Buffer.alloc(64 * 1024, 'a')
    for (let sent = 0; sent < BODY - chunk.length && socket.write(chunk); sent += chunk.length);
  })
  return { socket, answer, connected }
}

const heads = {
  gitlab: [
    'POST /webhooks/gitlab HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'X-Gitlab-Event: Pipeline Hook',
    `Content-Length: ${BODY}`,
  ],
  // A GitHub secret is a signature over the body: a request that carries one must be read to be checked.
  github: [
    'POST /webhooks/github HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'X-GitHub-Event: workflow_run',
    `X-Hub-Signature-256: sha256=${'0'.repeat(64)}`,
    `Content-Length: ${BODY}`,
  ],
}
const head = (lines: string[]) => lines.join('\r\n') + '\r\n\r\n'

type Upload = ReturnType<typeof stalledUpload> & { settled?: Answer }

/**
 * Opens SOCKETS stalled uploads, in waves of 100; every socket stays open. A wave starts once the kernel completed
 * the last wave's connections: the listen backlog never overflows, since an overflow drops the SYN and the client
 * retries it for up to two minutes (a loaded machine timed the test out that way).
 */
async function attack(r: Running, lines: string[]): Promise<Upload[]> {
  const uploads: Upload[] = []
  for (let i = 0; i < SOCKETS; i += 100) {
    const wave: Upload[] = Array.from({ length: 100 }, () => stalledUpload(r.port, head(lines)))
    for (const u of wave) void u.answer.then((a) => (u.settled = a))
    uploads.push(...wave)
    await Promise.all(wave.map((u) => u.connected))
  }
  return uploads
}

/** Resolves once `n` uploads have their answer (or were cut). */
async function answered(uploads: Upload[], n: number): Promise<void> {
  for (let polls = 1; uploads.filter((u) => u.settled).length < n; polls++) {
    await new Promise((res) => setTimeout(res, 20))
    // Should this hang, the test's timeout says only that it did: the counts say where.
    if (polls % 500 === 0) console.info(`still waiting for ${n} answers: ${JSON.stringify(count(uploads))}`)
  }
}

const count = (uploads: Upload[]) => {
  const out: Record<string, number> = {}
  for (const u of uploads) {
    const k = !u.settled ? 'waiting' : 'status' in u.settled ? String(u.settled.status) : 'reset'
    out[k] = (out[k] ?? 0) + 1
  }
  return out
}

async function settle(r: Running): Promise<number> {
  // The server's own view once the sockets are gone: what it kept.
  await new Promise((res) => setTimeout(res, 1000))
  return memory(r.proc.pid!).rss
}

async function startServer(extra: Record<string, string>): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'ci-notify-memory-'))
  const rules = join(dir, 'rules.yaml')
  writeFileSync(rules, 'targets:\n  ops: { type: dingtalk, webhook: "" }\nrules:\n  - name: all\n    notify: [ops]\n')
  return fleet.start({ env: { RULES_FILE: rules, DATA_DIR: join(dir, 'data'), ...extra } })
}

describe('a crowd of stalled 1 MB uploads', () => {
  it(`${SOCKETS} sockets without the GitLab token, twice: each answered 401 unread; peak RSS grows by less than 100 MB, and not again`, { timeout: 180_000 }, async () => {
    const r = await startServer({ GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN })
    const before = memory(r.proc.pid!).rss
    const peaks: number[] = []
    for (const round of [1, 2]) {
      const uploads = await attack(r, heads.gitlab)
      await answered(uploads, SOCKETS)
      peaks.push(memory(r.proc.pid!).peak)
      uploads.forEach((u) => u.socket.destroy())
      const counted = count(uploads)
      console.info(`gitlab, no token, round ${round}: RSS before ${(before / MB).toFixed(1)} MB, peak ${(peaks.at(-1)! / MB).toFixed(1)} MB, after ${((await settle(r)) / MB).toFixed(1)} MB; answers ${JSON.stringify(counted)}`)
      // Answered 401 with Connection: close. The server closes with the upload unread, so its kernel sends a reset
      // right behind the 401, and a client that had not read the 401 yet loses it (Linux drops it on the reset):
      // how many do is up to the scheduler (877 of 1000 once, on a loaded CI machine). Most still see the 401.
      expect(counted['401']).toBeGreaterThan(SOCKETS * 0.5)
      expect((counted['401'] ?? 0) + (counted.reset ?? 0)).toBe(SOCKETS)
    }
    expect(peaks[0] - before).toBeLessThan(100 * MB)
    // What the allocator kept from the first round serves the second: the attack leaves nothing that adds up.
    expect(peaks[1] - peaks[0]).toBeLessThan(25 * MB)
    // The server still takes a real webhook, and logged who was turned away.
    const ok = await fetch(`${r.url}/webhooks/gitlab`, {
      method: 'POST',
      body: readFileSync('test/fixtures/gitlab/pipeline-failed-adapted.json'),
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': GITLAB_TOKEN },
    })
    expect(ok.status).toBe(202)
    expect(r.stdout()).toMatch(/"client":"127\.0\.0\.1","outcome":"rejected","reason":"auth"/)
  })

  it(`${SOCKETS} signed uploads (GitHub): ${IN_FLIGHT} bodies are read at once (IN_FLIGHT_LIMIT), the rest get 503 with Retry-After`, { timeout: 180_000 }, async () => {
    const r = await startServer({ GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, IN_FLIGHT_LIMIT: `${IN_FLIGHT}mb`, REQUEST_TIMEOUT: '120s' })
    const before = memory(r.proc.pid!).rss
    const uploads = await attack(r, heads.github)
    await answered(uploads, SOCKETS - IN_FLIGHT)
    const peak = memory(r.proc.pid!).peak
    const counted = count(uploads)
    console.info(`github, wrong signature, ${IN_FLIGHT} MB in flight: RSS before ${(before / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB; answers ${JSON.stringify(counted)}`)
    // The bodies being read never complete (their senders stalled): exactly IN_FLIGHT of 1 MB fit the budget.
    expect(counted.waiting).toBe(IN_FLIGHT)
    expect((counted['503'] ?? 0) + (counted.reset ?? 0)).toBe(SOCKETS - IN_FLIGHT)
    expect(counted['503']).toBeGreaterThan(SOCKETS * 0.5) // the rest lost it to the reset, as above
    expect(uploads.every((u) => !u.settled || !('status' in u.settled) || u.settled.retryAfter === '5')).toBe(true)
    expect(peak - before).toBeLessThan(100 * MB)
    // While the GitHub uploads hold its budget, another source is not starved: the budget is per source.
    const gitlab = await fetch(`${r.url}/webhooks/gitlab`, {
      method: 'POST',
      body: readFileSync('test/fixtures/gitlab/pipeline-failed-adapted.json', 'utf8'),
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook' },
    })
    expect(gitlab.status).toBe(202)

    // The senders give up: the budget their bodies held is given back, and a real signed webhook gets in.
    uploads.forEach((u) => u.socket.destroy())
    const after = await settle(r)
    const body = readFileSync('test/fixtures/github/workflow_run-completed-failure-adapted.json', 'utf8')
    const ok = await fetch(`${r.url}/webhooks/github`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`,
      },
    })
    expect(ok.status).toBe(202)
    console.info(`github: RSS after ${(after / MB).toFixed(1)} MB`)
  })
})
