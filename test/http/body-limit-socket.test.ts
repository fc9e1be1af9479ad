import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { gitlabReq } from './requests.js'

/**
 * The body limit over a real socket (@hono/node-server on port 0): the 413 comes back while the client is still
 * sending, and the app reads no more than the limit plus what is in flight.
 */
const LIMIT = 256 * 1024
const CHUNK = 16 * 1024
let deps: TestDeps
let server: ServerType
let port: number
/** Bytes the app pulled from the request body of the last request. */
let pulled = 0

beforeAll(async () => {
  deps = await testDeps({ settings: { bodyLimit: LIMIT, secrets: {} } })
  const app = createApp(deps)
  // Count what the app reads: the request body is re-wrapped in a counting stream.
  const fetch = (req: Request) => {
    pulled = 0
    if (!req.body) return app.fetch(req)
    const counted = req.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          pulled += chunk.byteLength
          c.enqueue(chunk)
        },
      }),
    )
    return app.fetch(new Request(req, { body: counted, duplex: 'half' } as RequestInit))
  }
  await new Promise<void>((resolve) => {
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((r) => server.close(r))
  await deps.close()
})

/** Sends `headers`, then 16 KiB chunks until the answer arrives (or `maxBytes`); resolves with the answer. */
function upload(headers: Record<string, string | number>, maxBytes: number) {
  return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    let sent = 0
    let answered = false
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/gitlab', headers })
    req.on('error', (err) => (answered ? undefined : reject(err)))
    req.on('response', (res: IncomingMessage) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sent })
        req.destroy()
      })
    })
    const chunk = Buffer.alloc(CHUNK, 0x20)
    const pump = () => {
      while (!answered && sent < maxBytes) {
        sent += CHUNK
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
    }
    pump()
  })
}

describe('body limit over a real socket', () => {
  it('answers 413 on a declared Content-Length over the limit, before the body is sent', async () => {
    const r = await upload({ 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'content-length': 100 * 1024 * 1024 }, CHUNK)
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body).error).toBe(`request body exceeds the limit of ${LIMIT} bytes (BODY_LIMIT)`)
    expect(r.sent).toBe(CHUNK) // the client sent one chunk of its 100 MiB and got its answer
    expect(pulled).toBe(0)
  })

  it('answers 413 to an endless chunked body while it is still being sent, having read about the limit', async () => {
    const r = await upload({ 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'transfer-encoding': 'chunked' }, 1024 * 1024 * 1024)
    expect(r.status).toBe(413)
    expect(r.sent).toBeLessThan(1024 * 1024 * 1024)
    // Up to the limit, plus the chunks already in flight through the socket and stream buffers.
    expect(pulled).toBeGreaterThan(LIMIT)
    expect(pulled).toBeLessThanOrEqual(LIMIT + 4 * 64 * 1024)
  })

  it('still takes a normal webhook afterwards', async () => {
    const g = gitlabReq({ token: null })
    const res = await fetch(`http://127.0.0.1:${port}${g.path}`, g.init)
    expect(res.status).toBe(202)
  })
})
