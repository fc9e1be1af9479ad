import { postRobot } from '../delivery/post-robot.js'
import type { SenderOptions } from './dingtalk.js'
import type { Sender } from './types.js'

/** WeCom group robot: the key in the URL is the only credential; no signing, no idempotency key. */
export function wecomSender(o: SenderOptions): Sender {
  return {
    async send(target, message, { signal, onPost }) {
      if (target.type !== 'wecom') throw new TypeError(`wecom sender given a ${target.type} target`)
      try {
        await postRobot(target.webhook, message, { target: target.name, timeoutMs: o.timeoutMs, signal, dispatcher: o.dispatcher })
      } finally {
        onPost?.()
      }
    },
  }
}
