import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** Writes an injected failure into a fake's request record (both fakes keep the same fields for it). */
export function noteInjected(rec: { injected?: Failure['kind']; errcode?: number; errmsg?: string; http: number }, f: Failure): void {
  rec.injected = f.kind
  if (f.kind === 'errcode') Object.assign(rec, { errcode: f.errcode, errmsg: f.errmsg })
  if (f.kind === 'status') rec.http = f.status
}

/** Failure injection shared by both fakes: what the next requests get instead of the real checks. */
export type Failure =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'errcode'; errcode: number; errmsg: string }

export type Call = { method: string; path: string; query: URLSearchParams; rawQuery: string; headers: Record<string, string | string[] | undefined>; body: string; bytes: number; ip: string }
export type Reply = { status: number; json?: unknown }

export type FakeHttp = {
  url: string
  /**
   * The next `times` requests (all while `times` is Infinity) get `failure`; with `when`, only the requests it
   * picks (say, the text part of a two-message send), the others pass through untouched.
   */
  inject(failure: Failure, times?: number, o?: { when?: (c: Call) => boolean }): void
  clearFailures(): void
  /** Answer every accepted request this much later (the message is already recorded): a slow robot. */
  setLatency(ms: number): void
  close(): Promise<void>
}

/**
 * A loopback HTTP server on a random port. `handle` answers every request the injected failures let through;
 * `onFailure` records the injected ones.
 */
export async function serveFake(
  handle: (c: Call) => Reply,
  onFailure: (c: Call, f: Failure) => void,
): Promise<FakeHttp> {
  const queue: { failure: Failure; times: number; when?: (c: Call) => boolean }[] = []
  const sockets = new Set<Socket>()
  const hanging = new Set<ServerResponse>()
  let latencyMs = 0

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const buf = Buffer.concat(chunks)
      const [path, rawQuery = ''] = (req.url ?? '/').split('?', 2)
      const call: Call = {
        method: req.method ?? 'GET',
        path,
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body: buf.toString('utf8'),
        bytes: buf.length,
        ip: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      }
      const at = queue.findIndex((q) => !q.when || q.when(call))
      const head = queue[at]
      if (head) {
        if (--head.times <= 0) queue.splice(at, 1)
        onFailure(call, head.failure)
        const f = head.failure
        if (f.kind === 'hang') return void hanging.add(res)
        if (f.kind === 'reset') return void req.socket.destroy()
        if (f.kind === 'status') return void res.writeHead(f.status, { 'content-type': 'text/html' }).end(`<html>${f.status}</html>`)
        return send(res, { status: 200, json: { errcode: f.errcode, errmsg: f.errmsg } })
      }
      const reply = handle(call)
      if (latencyMs > 0) setTimeout(() => send(res, reply), latencyMs)
      else send(res, reply)
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (failure, times = Infinity, o = {}) => void queue.push({ failure, times, when: o.when }),
    clearFailures: () => void queue.splice(0),
    setLatency: (ms) => void (latencyMs = ms),
    close: async () => {
      for (const s of sockets) s.destroy()
      hanging.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function send(res: ServerResponse, r: Reply): void {
  if (res.destroyed) return
  if (r.json === undefined) return void res.writeHead(r.status).end()
  res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.json))
}
