import { createHmac } from 'node:crypto'
import { cardMentionProblem, keywordFields, resolveMentions, shapeProblem, visibleText, type Json, type Member, type Rejection, type Resolution } from './feishu-checks.js'
import { ipMatches } from './ip.js'
import { replyText, serveRecorded, type Call, type Failure, type Reply } from './serve.js'
import { SlidingWindow } from './window.js'

/**
 * A fake Feishu/Lark custom bot (`POST /open-apis/bot/v2/hook/<token>`, the same path on open.feishu.cn and
 * open.larksuite.com), written from https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot. The real
 * check order is not documented beyond "token first"; this fake checks the token, the body and its size, the IP,
 * the signature, msg_type and shape, card mentions, the keyword, then the rate.
 */

export type FeishuBot = {
  token: string
  enabled?: boolean
  security?: { keywords?: string[]; secret?: string; ipAllow?: string[] }
  /** Group members by open_id (`ou_…`) and/or user_id. */
  members?: Member[]
  /** Whether the group lets bots @所有人 (default true); without it `all` notifies nobody. */
  atAll?: boolean
  /** The group's chat id: the only one `share_chat` may share. */
  chatId?: string
}

export type FeishuOptions = {
  clock?: { now(): number }
  /** Body size limit in bytes (default 20 KB = 20,480: "请求体的数据大小不能超过 20 KB"; 1000 or 1024 is not stated). */
  maxBytes?: number
  /** How an oversize body is answered: today's 400 9499 Bad Request (default) or 2021's 200 19036 "…30KB". */
  oversize?: '9499' | '19036'
  /** How a throttled send is answered: 200 11232 (default) or 400 9499 "too many request"; both are seen. */
  throttle?: '11232' | '9499'
  /** The success body: today's (default), the legacy-only `{Extra,StatusCode,StatusMessage}`, or `code` alone. */
  success?: 'full' | 'legacy' | 'code'
  /** Answer 11232 to sends in the first `peakBusyMs` of each :00 and :30 ("避免在整点和半点发送"). */
  peakBusyMs?: number
}

export type FeishuRecord = {
  at: number
  token?: string
  body: string
  http: number
  /** The reply's `code` (undefined for a legacy-only success, a hang or a reset). */
  code?: number
  msg?: string
  /** The reply body as sent. */
  reply?: string
  injected?: Failure['kind']
  /** Set when the message was accepted and shown in the group. */
  message?: Json
  /** What the group sees, as plain text. */
  visible?: string
  mentions?: Resolution
}

const BAD_REQUEST: Rejection = { status: 400, code: 9499, msg: 'Bad Request' }
const SUCCESS = {
  full: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
  legacy: { Extra: null, StatusCode: 0, StatusMessage: 'success' },
  code: { code: 0, data: {}, msg: 'success' },
}
const HALF_HOUR = 30 * 60_000

export async function startFakeFeishu(bots: FeishuBot[], o: FeishuOptions = {}) {
  const clock = o.clock ?? { now: () => Date.now() }
  const byToken = new Map(bots.map((b) => [b.token, b]))
  const perSecond = new Map<string, SlidingWindow>()
  const perMinute = new Map<string, SlidingWindow>()
  const records: FeishuRecord[] = []
  const maxBytes = o.maxBytes ?? 20_480
  const reply = (r: Rejection): Reply => ({ status: r.status, json: { code: r.code, data: {}, msg: r.msg } })

  function check(c: Call, rec: FeishuRecord): Reply {
    const now = clock.now()
    // 1. token (whatever the body) and bot state
    const bot = byToken.get(rec.token ?? '')
    if (c.method !== 'POST' || !bot) return reply({ status: 200, code: 19001, msg: 'param invalid: incoming webhook access token invalid' })
    if (bot.enabled === false) return reply({ status: 200, code: 19007, msg: 'Bot Not Enabled' })
    // 2. size in bytes of the whole body (signature included), then JSON
    if (c.bytes > maxBytes) return reply(o.oversize === '19036' ? { status: 200, code: 19036, msg: 'The message exceeds the size limit of 30KB' } : BAD_REQUEST)
    let msg: Json
    try {
      msg = JSON.parse(c.body) as Json
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('not an object')
    } catch {
      return reply(BAD_REQUEST)
    }
    const sec = bot.security ?? {}
    // 3. IP allowlist
    if (sec.ipAllow && !sec.ipAllow.some((a) => ipMatches(c.ip, a))) return reply({ status: 200, code: 19022, msg: 'Ip Not Allowed' })
    // 4. signature in the body: timestamp in seconds within an hour; stale and wrong answer alike
    if (sec.secret) {
      const ts = typeof msg.timestamp === 'number' ? String(msg.timestamp) : msg.timestamp
      const ok = typeof ts === 'string' && /^\d+$/.test(ts) && Math.abs(now / 1000 - Number(ts)) <= 3600 && msg.sign === feishuSign(sec.secret, ts)
      if (!ok) return reply({ status: 200, code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' })
    }
    // 5–7. msg_type, shape, card mentions (a card fails whole on one it cannot resolve)
    const bad = shapeProblem(msg, { chatId: bot.chatId }) ?? (msg.msg_type === 'interactive' ? cardMentionProblem(msg.card as Json, bot.members ?? []) : undefined)
    if (bad) return reply(bad)
    // 8. keywords, in text-like values only
    const texts = keywordFields(msg.msg_type === 'interactive' ? msg.card : msg.content)
    if (sec.keywords?.length && !texts.some((t) => sec.keywords!.some((k) => t.includes(k)))) return reply({ status: 200, code: 19024, msg: 'Key Words Not Found' })
    // 9. rate limits per bot: 5 in any second, 100 in any minute; the :00/:30 peak if asked for
    const sw = perSecond.get(bot.token) ?? new SlidingWindow(5, 1000)
    const mw = perMinute.get(bot.token) ?? new SlidingWindow(100, 60_000)
    perSecond.set(bot.token, sw)
    perMinute.set(bot.token, mw)
    const peak = o.peakBusyMs !== undefined && now % HALF_HOUR < o.peakBusyMs
    if (peak || sw.full(now) || mw.full(now)) {
      return reply(o.throttle === '9499' && !peak ? { status: 400, code: 9499, msg: 'too many request' } : { status: 200, code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]' })
    }
    // 11. shown
    sw.add(now)
    mw.add(now)
    rec.message = msg
    rec.visible = visibleText(msg, bot.members ?? [])
    rec.mentions = resolveMentions(msg, bot.members ?? [], bot.atAll !== false)
    return { status: 200, json: SUCCESS[o.success ?? 'full'] }
  }

  const record = (c: Call): FeishuRecord => {
    const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(c.path)
    const rec: FeishuRecord = { at: clock.now(), token: m?.[1], body: c.body, http: 200 }
    records.push(rec)
    return rec
  }
  const note = (rec: FeishuRecord, r: Reply | undefined) => {
    if (!r) return
    const j = r.json as { code?: number; msg?: string } | undefined
    Object.assign(rec, { http: r.status, code: j?.code, msg: j?.msg, reply: replyText(r) })
  }

  const http = await serveRecorded(
    record,
    check,
    note,
    // An injected code answers in Feishu's shape, with the HTTP status it comes with (9499 → 400).
    { errcodeReply: (f) => reply({ status: f.status ?? 200, code: f.errcode, msg: f.errmsg }) },
  )

  return {
    ...http,
    records,
    webhook: (token: string) => `${http.url}/open-apis/bot/v2/hook/${token}`,
    /** Messages shown in the group, oldest first. */
    shown: (token?: string) => records.filter((r) => r.message && (!token || r.token === token)),
  }
}
export type FakeFeishu = Awaited<ReturnType<typeof startFakeFeishu>>

/**
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, msg = "")): the string to sign is the KEY and the message is
 * empty, unlike DingTalk's; timestamp in seconds; not URL-encoded, it travels in the JSON body.
 */
export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64')
}
