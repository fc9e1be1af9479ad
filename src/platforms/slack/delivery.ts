import { httpFailure, httpVerdict } from '../common/http-verdict.js'
import { retryAfterMs } from '../common/retry-after.js'
import type { PlatformDelivery, Reading, RobotReply } from '../common/types.js'
import { classifySlack } from './error-strings.js'

/**
 * Slack incoming webhook: the JSON body as rendered, to the webhook URL (its path is the credential). Nothing is
 * signed and there is no idempotency key: a resend after a timeout can show twice.
 */
export const slackDelivery: PlatformDelivery = {
  request(target, message) {
    return { url: target.webhook, body: message }
  },
  read: readSlackReply,
}

const MINUTE = 60_000
// What an error string looks like (`channel_is_archived`): safe to store and show. Anything else (a proxy's page)
// is not echoed.
const ERROR_STRING = /^[a-z][a-z0-9_]{0,63}$/

/**
 * Success is HTTP 200 with the body `ok`, and nothing else (a 200 with another body is not a post we can count on).
 * 429 waits for its Retry-After; 5xx is tried again; Slack's documented error strings are read from the table;
 * any other answer means what its HTTP status means.
 */
export function readSlackReply(reply: RobotReply): Reading {
  const body = reply.text.trim()
  if (reply.status === 200 && body === 'ok') return { ok: true }
  if (reply.status === 429) {
    const waitMs = retryAfterMs(reply.headers, MINUTE)
    return httpFailure(429, { kind: 'rate_limited', waitMs }, `HTTP 429: rate limited for ${Math.round(waitMs / 1000)} s`)
  }
  const said = ERROR_STRING.test(body) ? body : undefined
  if (reply.status >= 500) return httpFailure(reply.status, httpVerdict(reply.status), said && `HTTP ${reply.status}: ${said}`)
  const verdict = said && classifySlack(said)
  if (said && verdict) return { ok: false, verdict, errmsg: said, label: said }
  if (reply.status === 200) return { ok: false, verdict: { kind: 'retry' }, errmsg: 'HTTP 200 without "ok"', label: 'bad_reply' }
  return httpFailure(reply.status, httpVerdict(reply.status), said && `HTTP ${reply.status}: ${said}`)
}

