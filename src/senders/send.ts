import type { Dispatcher } from 'undici'
import type { PlatformDelivery, Reading } from '../platforms/common/types.js'
import { redactRobotUrl } from '../platforms/redact.js'
import { post, PostFailed } from './post.js'
import { RobotError } from './robot-error.js'
import type { Sender } from './types.js'

export type SenderOptions = { timeoutMs: number; dispatcher?: Dispatcher; now?: () => number }

/**
 * The one sender, for any platform: builds the platform's request at the moment of each attempt, posts it, and lets
 * the platform read the answer. A `resign` verdict gets one fresh request at once (a stale signature); a second one
 * is final. Each POST is reported through `onPost`, the refused one too: the rate budget counts every request that
 * reached the robot.
 */
export function platformSender(platform: PlatformDelivery, o: SenderOptions): Sender {
  const now = o.now ?? Date.now
  return {
    async send(target, message, { uuid, signal, onPost }) {
      for (let signed = 1; ; signed++) {
        const req = platform.request(target, message, { uuid, nowMs: now() })
        const fail = (what: string, r: Omit<Extract<Reading, { ok: false }>, 'ok'>) =>
          new RobotError(`${target.name}: POST ${redactRobotUrl(req.url)}: ${what}`, { ...r, target: target.name })
        let reading: Reading
        try {
          reading = platform.read(await post(req, { timeoutMs: o.timeoutMs, signal, dispatcher: o.dispatcher }))
        } catch (err) {
          if (!(err instanceof PostFailed)) throw err
          // undici's messages name the host at most, but strip any query that may have slipped in.
          const why = redactRobotUrl(err.message)
          throw fail(why, { verdict: { kind: 'retry' }, errmsg: why, label: err.kind === 'timeout' ? 'timeout' : 'network' })
        } finally {
          onPost?.()
        }
        if (reading.ok) return
        if (reading.verdict.kind === 'resign' && signed < 2) continue
        const { ok: _, ...why } = reading
        throw fail(why.errcode === undefined ? why.errmsg : `errcode ${why.errcode}: ${why.errmsg}`, why)
      }
    },
  }
}
