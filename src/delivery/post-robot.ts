import { Agent, request, type Dispatcher } from 'undici'
import { redactUrl } from '../redact.js'
import { classifyErrcode, classifyHttp } from './classify.js'
import { RobotError } from './robot-error.js'

/** One kept-alive pool for every robot call: the robot hosts are few and called often. */
const sharedAgent = new Agent({ keepAliveTimeout: 30_000, connections: 8 })

export type PostOptions = {
  /** Target name, for errors and logs. */
  target: string
  timeoutMs: number
  signal?: AbortSignal
  dispatcher?: Dispatcher
}

/**
 * The only code that calls a robot. POSTs JSON, then checks the HTTP status, then the `{errcode, errmsg}` envelope:
 * both robots answer HTTP 200 for failures too, so success is `errcode === 0` and nothing else.
 * Throws RobotError (a DeliveryError) carrying the verdict of the errcode table and a redacted URL.
 */
export async function postRobot(url: string, body: unknown, o: PostOptions): Promise<{ errmsg: string }> {
  const shown = redactUrl(url)
  const fail = (what: string, r: Omit<ConstructorParameters<typeof RobotError>[1], 'target'>) =>
    new RobotError(`${o.target}: POST ${shown}: ${what}`, { ...r, target: o.target })

  const timeout = AbortSignal.timeout(o.timeoutMs)
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout
  let status: number
  let text: string
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal,
      dispatcher: o.dispatcher ?? sharedAgent,
    })
    status = res.statusCode
    text = await res.body.text()
  } catch (err) {
    if (timeout.aborted) {
      throw fail(`timed out after ${o.timeoutMs} ms`, { verdict: { kind: 'retry' }, errmsg: `timed out after ${o.timeoutMs} ms`, label: 'timeout' })
    }
    // undici's messages name the host at most, but strip any query that may have slipped in.
    const why = o.signal?.aborted ? 'aborted (shutting down)' : redactUrl(err instanceof Error ? err.message : String(err))
    throw fail(why, { verdict: { kind: 'retry' }, errmsg: why, label: 'network' })
  }

  if (status !== 200) {
    throw fail(`HTTP ${status}`, { verdict: classifyHttp(status), errmsg: `HTTP ${status}`, label: `http_${status >= 500 ? '5xx' : status}` })
  }
  const envelope = parseEnvelope(text)
  if (!envelope) {
    // A 200 that is not the robot's envelope (a proxy page, a truncated body): the outcome is unknown.
    throw fail('HTTP 200 without an {errcode, errmsg} body', { verdict: { kind: 'retry' }, errmsg: 'HTTP 200 without an {errcode, errmsg} body', label: 'bad_envelope' })
  }
  if (envelope.errcode !== 0) {
    throw fail(`errcode ${envelope.errcode}: ${envelope.errmsg}`, {
      verdict: classifyErrcode(envelope.errcode, envelope.errmsg),
      errcode: envelope.errcode,
      errmsg: envelope.errmsg,
      label: String(envelope.errcode),
    })
  }
  return { errmsg: envelope.errmsg }
}

function parseEnvelope(text: string): { errcode: number; errmsg: string } | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined // not JSON: the caller reports it as a bad envelope
  }
  if (typeof v !== 'object' || v === null || typeof (v as { errcode?: unknown }).errcode !== 'number') return undefined
  const { errcode, errmsg } = v as { errcode: number; errmsg?: unknown }
  return { errcode, errmsg: typeof errmsg === 'string' ? errmsg : '' }
}
