import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type RobotCall = { url: string; body: Record<string, any> }

/**
 * A robot endpoint that records each post and answers `{errcode, errmsg}` from `answer`, or holds the request until
 * `release()` (a send in progress when the test stops the server).
 */
export async function fakeRobot() {
  const calls: RobotCall[] = []
  const held: ServerResponse[] = []
  const o = { answer: { errcode: 0, errmsg: 'ok' } as { errcode: number; errmsg: string }, hold: false }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c))
    req.on('end', () => {
      calls.push({ url: req.url ?? '', body: JSON.parse(body) as Record<string, any> })
      if (o.hold) return void held.push(res)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o.answer))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    set: (next: Partial<typeof o>) => Object.assign(o, next),
    release: () => {
      for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }))
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  }
}
