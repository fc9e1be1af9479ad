import { Agent, request, type Dispatcher } from 'undici'
import type { RobotReply, RobotRequest } from '../platforms/common/types.js'

/** One kept-alive pool for every robot call: the robot hosts are few and called often. */
const sharedAgent = new Agent({ keepAliveTimeout: 30_000, connections: 8 })

export type PostOptions = { timeoutMs: number; signal?: AbortSignal; dispatcher?: Dispatcher }

/** The request did not get an answer: `timeout` (it may well have reached the robot), `aborted` (shutting down), `network`. */
export class PostFailed extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'aborted' | 'network',
  ) {
    super(message)
    this.name = 'PostFailed'
  }
}

/**
 * The only code that calls a robot: POSTs the platform's request as JSON and returns whatever answer came back, any
 * status. Reading the answer is the platform's job. Throws PostFailed when no answer came.
 */
export async function post(req: RobotRequest, o: PostOptions): Promise<RobotReply> {
  const timeout = AbortSignal.timeout(o.timeoutMs)
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout
  try {
    const res = await request(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...req.headers },
      body: JSON.stringify(req.body),
      signal,
      dispatcher: o.dispatcher ?? sharedAgent,
    })
    return { status: res.statusCode, text: await res.body.text(), headers: res.headers }
  } catch (err) {
    if (timeout.aborted) throw new PostFailed(`timed out after ${o.timeoutMs} ms`, 'timeout')
    if (o.signal?.aborted) throw new PostFailed('aborted (shutting down)', 'aborted')
    throw new PostFailed(err instanceof Error ? err.message : String(err), 'network')
  }
}
