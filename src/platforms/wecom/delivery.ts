import { readErrcodeReply } from '../common/errcode-reply.js'
import type { PlatformDelivery } from '../common/types.js'
import { classifyWeCom } from './errcodes.js'

/** WeCom group robot: the key in the URL is the only credential; no signing, no idempotency key. */
export const wecomDelivery: PlatformDelivery = {
  request(target, message) {
    return { url: target.webhook, body: message }
  },
  read(reply) {
    return readErrcodeReply(reply, classifyWeCom)
  },
}
