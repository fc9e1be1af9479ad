import { createHmac } from 'node:crypto'

/**
 * Feishu 签名校验 (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): base64(HMAC-SHA256(key =
 * timestamp + "\n" + secret, message = empty)), timestamp in SECONDS. Unlike DingTalk the string to sign is the key,
 * and both values travel in the JSON body, not the URL.
 */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64')
}

/** The fields a signed body starts with; fresh for every attempt (a timestamp over an hour old is refused). */
export function signature(secret: string | undefined, nowMs: number): { timestamp: string; sign: string } | undefined {
  if (!secret) return undefined
  const ts = Math.floor(nowMs / 1000)
  return { timestamp: String(ts), sign: feishuSign(secret, ts) }
}
