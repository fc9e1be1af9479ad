import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type Running } from '../helpers/server-process.js'
import { SECRETS } from './bad-requests.js'

/**
 * Slow loris against the real `ci-notify serve` process: a client that trickles its body (or its headers) must be cut
 * off by the server's own timeouts (REQUEST_TIMEOUT, here 3 s: the body in 3 s, the headers in 1 s), not hold a
 * socket for as long as it likes. It asserts only what happens, not when.
 */
let server: Running
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ci-notify-slow-'))
  server = await startServer({
    env: { DATA_DIR: join(dir, 'data'), RULES_FILE: resolve('rules.example.yaml'), DRY_RUN: '1', GITLAB_WEBHOOK_TOKEN: SECRETS.gitlab, REQUEST_TIMEOUT: '3s' },
  })
})
afterAll(async () => {
  server?.proc.kill('SIGKILL')
  await server?.exited
  rmSync(dir, { recursive: true, force: true })
})

/** Opens a raw connection, sends `first`, then one byte of `rest` every `everyMs` until the server answers or closes. */
function trickle(first: string, rest: string, everyMs: number) {
  return new Promise<{ received: string; sentOfRest: number; closedByServer: boolean }>((done) => {
    const socket = connect(server.port, '127.0.0.1')
    let received = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    const finish = (closedByServer: boolean) => {
      clearInterval(timer)
      socket.destroy()
      done({ received, sentOfRest: sent, closedByServer })
    }
    socket.on('data', (d) => (received += d.toString('latin1')))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.write(first)
    timer = setInterval(() => {
      if (sent >= rest.length) return finish(false)
      socket.write(rest[sent++])
    }, everyMs)
  })
}

describe('slow-loris clients are timed out by the server', () => {
  // Both at once: the wait is Node's, the same for both.
  it('a body or headers trickled one byte every 500 ms: cut off (408 for the body) long before they are complete', { timeout: 60_000 }, async () => {
    const body = '{"object_kind":"pipeline"' + ' '.repeat(200) + '}'
    const head = `POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Gitlab-Event: Pipeline Hook\r\nX-Gitlab-Token: ${SECRETS.gitlab}\r\nContent-Length: ${body.length}\r\n\r\n`
    const slowHead = `POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`
    const [b, h] = await Promise.all([trickle(head + body.slice(0, 10), body.slice(10), 500), trickle(slowHead.slice(0, 20), slowHead.slice(20), 500)])

    expect(b.closedByServer).toBe(true)
    expect(b.sentOfRest).toBeLessThan(body.length - 10)
    expect(b.received).toMatch(/^HTTP\/1\.1 408 /)

    expect(h.closedByServer).toBe(true)
    expect(h.sentOfRest).toBeLessThan(slowHead.length - 20)
    // Nothing half-sent reached the store.
    const events = await fetch(`${server.url}/api/events?limit=5`).then((r) => r.json())
    expect(events).toMatchObject({ events: [] })
  })
})
