import type { Dispatcher } from 'undici'
import { postRobot } from '../delivery/post-robot.js'
import { RobotError } from '../delivery/robot-error.js'
import type { Sender } from './types.js'
import { signedUrl } from './sign.js'

export type SenderOptions = { timeoutMs: number; dispatcher?: Dispatcher; now?: () => number }

/**
 * DingTalk custom robot: signs the URL at the moment of each attempt and adds `msgUuid`, DingTalk's idempotency
 * key, so a resend after a timeout or a crash is not shown twice. A 310000 "invalid timestamp" gets one fresh
 * signature (clock skew or a stale timestamp); a second one is final. Each POST is reported through `onPost`, the
 * refused one too: the rate budget counts every request that reached the robot.
 */
export function dingtalkSender(o: SenderOptions): Sender {
  const now = o.now ?? Date.now
  return {
    async send(target, message, { uuid, signal, onPost }) {
      if (target.type !== 'dingtalk') throw new TypeError(`dingtalk sender given a ${target.type} target`)
      const body = { ...message, msgUuid: uuid }
      const post = async () => {
        try {
          await postRobot(signedUrl(target.webhook, target.secret, now()), body, { target: target.name, timeoutMs: o.timeoutMs, signal, dispatcher: o.dispatcher })
        } finally {
          onPost?.()
        }
      }
      try {
        await post()
      } catch (err) {
        if (!(err instanceof RobotError) || err.r.verdict.kind !== 'resign') throw err
        await post()
      }
    },
  }
}
