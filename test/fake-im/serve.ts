import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** Writes an injected failure into a fake's request record (both fakes keep the same fields for it). */
export function noteInjected(rec: { injected?: Failure['kind']; errcode?: number; errmsg?: string; http: number }, f: Failure): void {
  rec.injected = f.kind
  if (f.kind === 'errcode') Object.assign(rec, { errcode: f.errcode, errmsg: f.errmsg })
  if (f.kind === 'status') rec.http = f.status
}

/**
 * Failure injection shared by the fakes: what the next requests get instead of the real checks.
 * `status` answers an HTML page unless it carries its own `body` (say Slack's `rollup_error`) and `headers`
 * (say a `Retry-After`); `errcode` answers in the platform's own shape (each fake passes `errcodeReply`), with
 * HTTP `status` where that platform sends errors with one (Feishu's 9499 comes with 400).
 */
export type Failure =
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'errcode'; errcode: number; errmsg: string; status?: number }

export type Call = { method: string; path: string; query: URLSearchParams; rawQuery: string; headers: Record<string, string | string[] | undefined>; body: string; bytes: number; ip: string }
/** An answer: JSON when `json` is set, else `text` (or no body); `headers` add to the content type. */
export type Reply = { status: number; json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }

/** DingTalk's and WeCom's shape for an injected errcode: HTTP 200 `{errcode, errmsg}`. */
const errcodeJson = (f: Extract<Failure, { kind: 'errcode' }>): Reply => ({ status: f.status ?? 200, json: { errcode: f.errcode, errmsg: f.errmsg } })

/** What an injected `status` failure answers: its own body and headers, or a bare HTML page. */
export function statusReply(f: Extract<Failure, { kind: 'status' }>): Reply {
  if (f.body === undefined) return { status: f.status, text: `<html>${f.status}</html>`, contentType: 'text/html', headers: f.headers }
  return { status: f.status, text: f.body, contentType: f.contentType ?? 'text/plain', headers: f.headers }
}

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
 * `onFailure` records the injected ones, with the reply they got (none for a hang or a reset).
 * `errcodeReply` writes an injected errcode in the platform's shape (default: DingTalk's and WeCom's).
 */
export async function serveFake(
  handle: (c: Call) => Reply,
  onFailure: (c: Call, f: Failure, reply?: Reply) => void,
  o: { errcodeReply?: (f: Extract<Failure, { kind: 'errcode' }>) => Reply } = {},
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
        const f = head.failure
        const reply = f.kind === 'status' ? statusReply(f) : f.kind === 'errcode' ? (o.errcodeReply ?? errcodeJson)(f) : undefined
        onFailure(call, f, reply)
        if (f.kind === 'hang') return void hanging.add(res)
        if (f.kind === 'reset') return void req.socket.destroy()
        return send(res, reply!)
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
  if (r.json !== undefined) return void res.writeHead(r.status, { ...r.headers, 'content-type': 'application/json' }).end(JSON.stringify(r.json))
  if (r.text !== undefined) return void res.writeHead(r.status, { ...r.headers, 'content-type': r.contentType ?? 'text/plain' }).end(r.text)
  res.writeHead(r.status, r.headers).end()
}

/** The body a reply carries, as the sender reads it: what the new fakes record beside the status. */
export const replyText = (r: Reply): string => (r.json !== undefined ? JSON.stringify(r.json) : (r.text ?? ''))

/**
 * serveFake for a fake that records every call: `record` makes (and keeps) the call's record, `check` answers it,
 * `note` writes the answer into the record. An injected failure is recorded and noted the same way, marked injected.
 */
export function serveRecorded<R extends { injected?: Failure['kind'] }>(
  record: (c: Call) => R,
  check: (c: Call, rec: R) => Reply,
  note: (rec: R, r: Reply | undefined) => void,
  o?: Parameters<typeof serveFake>[2],
): Promise<FakeHttp> {
  return serveFake(
    (c) => {
      const rec = record(c)
      const r = check(c, rec)
      note(rec, r)
      return r
    },
    (c, f, r) => {
      const rec = record(c)
      rec.injected = f.kind
      note(rec, r)
    },
    o,
  )
}

/** Writes a fake's answer into its record: the status, the body as text, and a Retry-After when it gave one. */
export function noteReply(rec: { http: number; reply?: string; retryAfter?: string }, r: Reply | undefined): void {
  if (r) Object.assign(rec, { http: r.status, reply: replyText(r), retryAfter: r.headers?.['retry-after'] })
}
