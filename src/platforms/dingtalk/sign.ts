import { createHmac } from 'node:crypto'

/**
 * DingTalk 加签 (https://open.dingtalk.com/document/robots/customize-robot-security-settings): base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" + secret)), timestamp in
 * ms. Returns the raw base64; the caller puts it in the query through URLSearchParams, which encodes it exactly once
 * (a pre-encoded sign becomes %253D and DingTalk answers "sign not match").
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64')
}

/** The webhook URL with a fresh `timestamp` and `sign`; call it for every attempt, never reuse one. */
export function signedUrl(webhook: string, secret: string | undefined, nowMs: number): string {
  if (!secret) return webhook
  const url = new URL(webhook)
  url.searchParams.set('timestamp', String(nowMs))
  url.searchParams.set('sign', dingtalkSign(secret, nowMs))
  return url.toString()
}
