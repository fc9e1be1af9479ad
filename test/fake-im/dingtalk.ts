import { createHmac } from 'node:crypto'
import { MSG_TYPES, missingField, resolveMentions, visibleText, type Json, type Member, type Resolution } from './dingtalk-checks.js'
import { ipMatches } from './ip.js'
import { noteInjected, serveFake, type Call, type Failure, type Reply } from './serve.js'
import { SlidingWindow } from './window.js'

/** A fake DingTalk custom robot API (`POST /robot/send`), written from
 * https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages. */

export type DingRobot = {
  token: string
  state?: 'active' | 'disabled' | 'dissolved' | 'not_in_group'
  security?: { keywords?: string[]; secret?: string; ipAllow?: string[] }
  members?: Member[]
  errmsgStyle?: 'legacy' | 'legacy_more' | 'modern'
}

export type DingOptions = {
  clock?: { now(): number }
  /** The code for an unknown token: the real server has used all three. */
  tokenErrcode?: 300001 | 300005 | 400101
  rateLimitErrcode?: 130101 | 410100
  /** While blocked, answer HTTP 302 with no body (one blog's report) instead of the errcode. */
  blockAs302?: boolean
  /** Count rejected attempts in the 60 s window too (unverified which the real server does). */
  countRejected?: boolean
  strictBtnOrientation?: boolean
}

export type DingRecord = {
  at: number
  token?: string
  rawQuery: string
  body: string
  http: number
  errcode?: number
  errmsg?: string
  injected?: Failure['kind']
  msgUuid?: string
  /** A repeated msgUuid: answered ok, not shown again. */
  duplicate?: boolean
  /** Set when the message was accepted and shown in the group. */
  message?: Json
  mentions?: Resolution
}

const MORE = ', more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]'
const MODERN: Record<string, string> = {
  'keywords not in content': 'description:关键词不匹配;solution:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;',
  'sign not match': 'description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中，并且签名是否正确;',
  'invalid timestamp': 'description:timestamp 无效;solution:请确认时间戳与钉钉服务器时间相差在1小时以内;',
}
const BLOCK_MS = 10 * 60_000

export async function startFakeDingTalk(robots: DingRobot[], o: DingOptions = {}) {
  const clock = o.clock ?? { now: () => Date.now() }
  const byToken = new Map(robots.map((r) => [r.token, r]))
  const windows = new Map<string, SlidingWindow>()
  const blockedUntil = new Map<string, number>()
  const seenUuids = new Map<string, Set<string>>()
  const records: DingRecord[] = []

  const securityMsg = (r: DingRobot, legacy: string) => {
    const style = r.errmsgStyle ?? 'legacy'
    if (style === 'modern') return MODERN[legacy] ?? `description:${legacy};`
    return style === 'legacy_more' ? legacy + MORE : legacy
  }

  function check(c: Call, rec: DingRecord): Reply {
    const now = clock.now()
    const fail = (errcode: number, errmsg: string): Reply => ({ status: 200, json: { errcode, errmsg } })
    // 1. access_token and robot state
    const robot = byToken.get(c.query.get('access_token') ?? '')
    if (c.path !== '/robot/send' || !robot) return fail(o.tokenErrcode ?? 300001, 'token is not exist')
    if (robot.state === 'disabled') return fail(400102, '机器人已停用')
    if (robot.state === 'dissolved') return fail(400013, '群已被解散')
    if (robot.state === 'not_in_group') return fail(400106, '机器人不存在')
    // 2. JSON body
    let msg: Json
    try {
      msg = JSON.parse(c.body) as Json
      if (typeof msg !== 'object' || msg === null) throw new Error('not an object')
    } catch {
      return fail(40035, '缺少参数 json')
    }
    rec.msgUuid = typeof msg.msgUuid === 'string' ? msg.msgUuid : undefined
    const sec = robot.security ?? {}
    // 3. IP allowlist
    if (sec.ipAllow && !sec.ipAllow.some((a) => ipMatches(c.ip, a))) {
      return fail(310000, robot.errmsgStyle === 'modern' ? 'description:ip 不在白名单中;solution:请联系对应群的管理员，设置机器人安全ip地址段' : securityMsg(robot, `ip ${c.ip} not in whitelist`))
    }
    // 4. signature: query decoded once (URLSearchParams), so a double-encoded sign fails
    if (sec.secret) {
      const ts = c.query.get('timestamp')
      const sign = c.query.get('sign')
      if (!ts || !sign) return fail(310000, securityMsg(robot, 'sign not match'))
      if (!/^\d+$/.test(ts) || Math.abs(now - Number(ts)) > 3_600_000) return fail(310000, securityMsg(robot, 'invalid timestamp'))
      if (sign !== dingSign(sec.secret, ts)) return fail(310000, securityMsg(robot, 'sign not match'))
    }
    // 5. msgtype
    if (!(MSG_TYPES as readonly unknown[]).includes(msg.msgtype)) return fail(400105, '不支持的消息类型')
    // 6. per-type required fields and casing
    const missing = missingField(msg, { strictBtnOrientation: !!o.strictBtnOrientation })
    if (missing) return fail(400402, `错误描述:参数 ${missing} 缺失，或者参数格式不正确; 解决方案:请填充上对应参数;`)
    // 7. size of the whole body, in bytes
    if (c.bytes > 20_000) return fail(460101, 'message too long, exceed 20000 bytes')
    // 8. keywords
    if (sec.keywords?.length && !visibleText(msg).some((t) => sec.keywords!.some((k) => t.includes(k)))) {
      return fail(310000, securityMsg(robot, 'keywords not in content'))
    }
    // 9. rate limit: a blocked token stays blocked 10 minutes; a repeated msgUuid is answered before the window
    // counts it (we check idempotency first so a retry never provokes the block).
    const token = robot.token
    const blocked = blockedUntil.get(token) ?? 0
    const limited = (): Reply => (o.blockAs302 ? { status: 302 } : fail(o.rateLimitErrcode ?? 130101, o.rateLimitErrcode === 410100 ? '发送速度太快而限流' : 'send too fast, exceed 20 times per minute'))
    if (now < blocked) return limited()
    const seen = seenUuids.get(token) ?? new Set<string>()
    seenUuids.set(token, seen)
    if (rec.msgUuid && seen.has(rec.msgUuid)) {
      rec.duplicate = true
      return fail(0, 'ok')
    }
    const win = windows.get(token) ?? new SlidingWindow(20, 60_000)
    windows.set(token, win)
    if (win.full(now)) {
      blockedUntil.set(token, now + BLOCK_MS)
      return limited()
    }
    // 12. success
    win.add(now)
    if (rec.msgUuid) seen.add(rec.msgUuid)
    rec.message = msg
    rec.mentions = resolveMentions(msg, robot.members ?? [])
    return fail(0, 'ok')
  }

  const record = (c: Call): DingRecord => {
    const rec: DingRecord = { at: clock.now(), token: c.query.get('access_token') ?? undefined, rawQuery: c.rawQuery, body: c.body, http: 200 }
    records.push(rec)
    return rec
  }

  const http = await serveFake(
    (c) => {
      const rec = record(c)
      const reply = check(c, rec)
      rec.http = reply.status
      const j = reply.json as { errcode?: number; errmsg?: string } | undefined
      rec.errcode = j?.errcode
      rec.errmsg = j?.errmsg
      if (o.countRejected && j?.errcode !== 0 && rec.token && byToken.has(rec.token)) {
        const win = windows.get(rec.token) ?? new SlidingWindow(20, 60_000)
        windows.set(rec.token, win)
        win.add(clock.now())
      }
      return reply
    },
    (c, f) => noteInjected(record(c), f),
  )

  return {
    ...http,
    records,
    webhook: (token: string) => `${http.url}/robot/send?access_token=${token}`,
    /** Messages shown in the group (accepted, not a msgUuid repeat), oldest first. */
    shown: (token?: string) => records.filter((r) => r.message && !r.duplicate && (!token || r.token === token)),
    blockedUntil: (token: string) => blockedUntil.get(token),
  }
}
export type FakeDingTalk = Awaited<ReturnType<typeof startFakeDingTalk>>

/** base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" + secret)), not URL-encoded. */
export function dingSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64')
}
