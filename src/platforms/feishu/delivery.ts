import { httpFailure } from '../common/http-verdict.js'
import { jsonObject } from '../common/json-reply.js'
import type { PlatformDelivery, Reading, RobotReply } from '../common/types.js'
import { classifyFeishu } from './errcodes.js'
import { signature } from './sign.js'

/**
 * Feishu/Lark custom bot: the token is in the URL path; the signature, when the bot has one, is `timestamp` and
 * `sign` at the top of the JSON body, made at each attempt. No idempotency key exists: a resend after a timeout can
 * show twice.
 */
export const feishuDelivery: PlatformDelivery = {
  request(target, message, { nowMs }) {
    return { url: target.webhook, body: { ...signature(target.secret, nowMs), ...message } }
  },
  read: readFeishuReply,
}

/**
 * Success is `(code ?? StatusCode) === 0` (StatusCode alone is what older servers answer) on HTTP 200. A `{code, msg}`
 * body is read whatever the status: 9499 comes with HTTP 400. 5xx is retried whatever it says; a reply without a code
 * is an unknown outcome on 200 (tried again) and the status's meaning otherwise.
 */
export function readFeishuReply(reply: RobotReply): Reading {
  if (reply.status >= 500) return httpFailure(reply.status)
  const envelope = parseEnvelope(reply.text)
  if (!envelope) {
    if (reply.status !== 200) return httpFailure(reply.status)
    return { ok: false, verdict: { kind: 'retry' }, errmsg: 'HTTP 200 without a {code, msg} body', label: 'bad_reply' }
  }
  const { code, msg } = envelope
  if (code === 0 && reply.status === 200) return { ok: true }
  if (code === 0) return httpFailure(reply.status)
  return { ok: false, verdict: classifyFeishu(code, msg), errcode: code, errmsg: msg, label: String(code) }
}

function parseEnvelope(text: string): { code: number; msg: string } | undefined {
  const o = jsonObject(text)
  if (!o) return undefined
  const code = o.code ?? o.StatusCode
  if (typeof code !== 'number') return undefined
  const msg = typeof o.msg === 'string' ? o.msg : typeof o.StatusMessage === 'string' ? o.StatusMessage : ''
  return { code, msg }
}
