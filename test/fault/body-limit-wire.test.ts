import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import type { TestDeps } from '../helpers/deps.js'
import { fileDeps, listen } from './app.js'
import { SECRETS } from './bad-requests.js'

/**
 * Over the wire, through @hono/node-server as `ci-notify serve` runs it: a body over the limit is answered 413 while
 * the client has sent only a sliver of it, and the connection is then closed, so an attacker cannot make us read
 * (or buffer) what we refused.
 */
let deps: TestDeps
let srv: Awaited<ReturnType<typeof listen>>
afterEach(async () => {
  await srv?.close()
  await deps?.close()
})

async function start(bodyLimit?: number) {
  ;({ deps } = await fileDeps({ settings: { secrets: { ...SECRETS }, ...(bodyLimit && { bodyLimit }) } }))
  srv = await listen(createApp(deps).fetch)
}

/** A raw client: what it has written, what it has received, and when the server closed the connection. */
function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  const state = { sent: 0, received: '', closed: false }
  socket.on('data', (d) => (state.received += d.toString('latin1')))
  socket.on('close', () => (state.closed = true))
  socket.on('error', () => (state.closed = true))
  const write = (data: string | Buffer) =>
    new Promise<void>((resolve) => {
      state.sent += Buffer.byteLength(data)
      socket.write(data, () => resolve())
    })
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 5))
  }
  return { socket, state, write, until }
}

const head = (extra: string) =>
  `POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Gitlab-Event: Pipeline Hook\r\nX-Gitlab-Token: ${SECRETS.gitlab}\r\n${extra}\r\n`

describe('bodies over the limit are cut off early (413 on the wire)', () => {
  it('a declared Content-Length of 1 GiB: 413 after headers and 1 KiB, then the connection is closed', async () => {
    await start()
    const c = rawClient(srv.port)
    await c.write(head(`Content-Length: ${2 ** 30}\r\n`))
    await c.write('{"object_kind":"pipeline",' + ' '.repeat(1000))
    await c.until(() => c.state.received.includes('\r\n\r\n'))
    expect(c.state.received).toMatch(/^HTTP\/1\.1 413 /)
    expect(c.state.received).toContain(`request body exceeds the limit of ${1024 * 1024} bytes`)
    expect(c.state.sent).toBeLessThan(2048)
    // We never send the rest; the server does not wait for it either.
    await c.until(() => c.state.closed)
    expect(await deps.store.listEvents(10)).toEqual([])
  })

  it('a chunked body without Content-Length: 413 once it passes the limit, before the client ends it', async () => {
    const limit = 64 * 1024
    await start(limit)
    const c = rawClient(srv.port)
    await c.write(head('Transfer-Encoding: chunked\r\n'))
    const chunk = Buffer.alloc(8192, 0x20)
    // Keep streaming (never the terminating 0-chunk) until the server answers: it must answer on its own.
    while (!c.state.received.includes('\r\n\r\n') && !c.state.closed && c.state.sent < 100 * limit) {
      await c.write(`${chunk.length.toString(16)}\r\n`)
      await c.write(chunk)
      await c.write('\r\n')
      await new Promise((r) => setTimeout(r, 1))
    }
    expect(c.state.received).toMatch(/^HTTP\/1\.1 413 /)
    // Read up to the limit and what was in flight, not the 100 × limit the client was ready to send.
    expect(c.state.sent).toBeLessThan(20 * limit)
    c.socket.destroy()
    expect(await deps.store.listEvents(10)).toEqual([])
  })

  it('the body limit is checked before the secret: a huge unauthenticated upload is refused unread', async () => {
    await start()
    const c = rawClient(srv.port)
    await c.write(
      `POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-GitHub-Event: workflow_run\r\nContent-Length: ${50 * 2 ** 20}\r\n\r\n`,
    )
    await c.write('x'.repeat(512))
    await c.until(() => c.state.received.includes('\r\n\r\n'))
    expect(c.state.received).toMatch(/^HTTP\/1\.1 413 /)
    await c.until(() => c.state.closed)
  })
})
