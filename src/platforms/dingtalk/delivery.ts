import { httpFailure } from '../common/http-verdict.js'
import { readErrcodeReply } from '../common/errcode-reply.js'
import type { PlatformDelivery } from '../common/types.js'
import { classifyDingTalk } from './errcodes.js'
import { signedUrl } from './sign.js'

/**
 * DingTalk custom robot: the URL is signed at the moment of each attempt, and `msgUuid`, DingTalk's idempotency key,
 * makes a resend after a timeout or a crash show once.
 */
export const dingtalkDelivery: PlatformDelivery = {
  request(target, message, { uuid, nowMs }) {
    return { url: signedUrl(target.webhook, target.secret, nowMs), body: { ...message, msgUuid: uuid } }
  },
  read(reply) {
    // A 302 has been reported during the 10-minute rate-limit block (unverified): wait it out rather than give up.
    if (reply.status === 302) return httpFailure(302, { kind: 'rate_limited', waitMs: 10 * 60_000 })
    return readErrcodeReply(reply, classifyDingTalk)
  },
}
