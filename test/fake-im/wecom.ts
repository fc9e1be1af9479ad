import { createHash } from 'node:crypto'
import { noteInjected, serveFake, type Call, type Failure, type Reply } from './serve.js'
import { SlidingWindow } from './window.js'

/** A fake WeCom group robot API (`POST /cgi-bin/webhook/send`), written from
 * https://developer.work.weixin.qq.com/document/path/91770. */

export type WeComRobot = { key: string; members?: { userid: string; mobile?: string }[]; textLimitMode?: 'doc2048' | 'observed5120' }
export type WeComOptions = { clock?: { now(): number } }
type Json = Record<string, unknown>

export type WeComRecord = {
  at: number
  key?: string
  rawQuery: string
  body: string
  http: number
  errcode?: number
  errmsg?: string
  injected?: Failure['kind']
  message?: Json
  /** userids notified (or "@all"). */
  mentions?: string[]
}

const TYPES = ['text', 'markdown', 'markdown_v2', 'image', 'news', 'file', 'voice', 'template_card']
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const str = (v: unknown): v is string => typeof v === 'string'

export async function startFakeWeCom(robots: WeComRobot[], o: WeComOptions = {}) {
  const clock = o.clock ?? { now: () => Date.now() }
  const byKey = new Map(robots.map((r) => [r.key, r]))
  const windows = new Map<string, SlidingWindow>()
  const records: WeComRecord[] = []
  // Every WeCom errmsg carries a hint, the caller's ip and a link.
  const err = (c: Call, errcode: number, text: string): Reply => ({
    status: 200,
    json: { errcode, errmsg: `${text}, hint: [${clock.now()}${Math.floor(Math.random() * 1e6)}], from ip: ${c.ip}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}` },
  })

  function check(c: Call, rec: WeComRecord): Reply {
    const robot = byKey.get(c.query.get('key') ?? '')
    if (c.path !== '/cgi-bin/webhook/send' || !robot) return err(c, 93000, 'invalid webhook url')
    let msg: Json
    try {
      msg = JSON.parse(c.body) as Json
      if (typeof msg !== 'object' || msg === null) throw new Error('not an object')
    } catch {
      return err(c, 40035, 'invalid parameter, Warning: wrong json format.')
    }
    const type = msg.msgtype as string
    if (!TYPES.includes(type)) return err(c, 40008, 'invalid message type')
    const part = (msg[type] ?? {}) as Json
    const bad = checkType(type, part, robot)
    if (bad) return err(c, bad.errcode, bad.text)
    const now = clock.now()
    const win = windows.get(robot.key) ?? new SlidingWindow(20, 60_000)
    windows.set(robot.key, win)
    // No extra lockout: the window just rolls (unverified).
    if (win.full(now)) return err(c, 45009, 'api freq out of limit')
    win.add(now)
    rec.message = msg
    rec.mentions = mentions(type, part, robot)
    return { status: 200, json: { errcode: 0, errmsg: 'ok' } }
  }

  const record = (c: Call): WeComRecord => {
    const rec: WeComRecord = { at: clock.now(), key: c.query.get('key') ?? undefined, rawQuery: c.rawQuery, body: c.body, http: 200 }
    records.push(rec)
    return rec
  }

  const http = await serveFake(
    (c) => {
      const rec = record(c)
      const reply = check(c, rec)
      const j = reply.json as { errcode: number; errmsg: string }
      Object.assign(rec, { errcode: j.errcode, errmsg: j.errmsg })
      return reply
    },
    (c, f) => noteInjected(record(c), f),
  )
  return {
    ...http,
    records,
    webhook: (key: string) => `${http.url}/cgi-bin/webhook/send?key=${key}`,
    shown: (key?: string) => records.filter((r) => r.message && (!key || r.key === key)),
  }
}
export type FakeWeCom = Awaited<ReturnType<typeof startFakeWeCom>>

function checkType(type: string, part: Json, robot: WeComRobot): { errcode: number; text: string } | undefined {
  const tooLong = (field: string, max: number) => ({ errcode: 40058, text: `${field} exceed max length ${max}. invalid Request Parameter` })
  switch (type) {
    case 'text': {
      if (!str(part.content) || part.content === '') return { errcode: 44004, text: 'empty content' }
      const max = robot.textLimitMode === 'observed5120' ? 5120 : 2048
      if (bytes(part.content) > max) return tooLong('text.content', max)
      for (const l of ['mentioned_list', 'mentioned_mobile_list']) {
        const v = part[l]
        if (v !== undefined && !(Array.isArray(v) && v.every(str))) return { errcode: 40058, text: `text.${l} invalid Request Parameter` }
      }
      return undefined
    }
    case 'markdown':
    case 'markdown_v2':
      if (!str(part.content) || part.content === '') return { errcode: 44004, text: 'empty content' }
      return bytes(part.content) > 4096 ? tooLong(`${type}.content`, 4096) : undefined
    case 'image': {
      if (!str(part.base64) || !str(part.md5)) return { errcode: 40058, text: 'image.base64 and image.md5 are required' }
      const raw = Buffer.from(part.base64, 'base64')
      const isImg = raw.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) || raw.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
      if (raw.length > 2 * 1024 * 1024 || !isImg) return { errcode: 40058, text: 'image invalid Request Parameter' }
      return createHash('md5').update(raw).digest('hex') === part.md5 ? undefined : { errcode: 40058, text: 'image.md5 invalid Request Parameter' }
    }
    case 'news': {
      const a = part.articles
      if (!Array.isArray(a) || a.length < 1 || a.length > 8) return { errcode: 40058, text: 'news.articles invalid Request Parameter' }
      return a.every((x: Json) => str(x?.title) && str(x?.url)) ? undefined : { errcode: 40058, text: 'news.articles.title/url invalid Request Parameter' }
    }
    case 'file':
    case 'voice':
      // This fake keeps no uploads, so no media_id is ever valid.
      return { errcode: 40058, text: 'invalid media_id' }
    case 'template_card': {
      const ok = ['text_notice', 'news_notice'].includes(part.card_type as string) && (str((part.main_title as Json)?.title) || str(part.sub_title_text))
      return ok ? undefined : { errcode: 40058, text: 'template_card invalid Request Parameter' }
    }
  }
  return undefined
}

/** text: the lists (mobiles mapped to userids), inline <@userid> and @all; markdown: inline <@userid> only. */
function mentions(type: string, part: Json, robot: WeComRobot): string[] {
  if (type !== 'text' && type !== 'markdown') return []
  const members = robot.members ?? []
  const out = new Set<string>()
  for (const m of String(part.content ?? '').matchAll(/<@([^>]+)>/g)) {
    if (members.some((x) => x.userid === m[1])) out.add(m[1])
  }
  if (type === 'text') {
    for (const u of (part.mentioned_list as string[] | undefined) ?? []) {
      if (u === '@all') out.add('@all')
      else if (members.some((x) => x.userid === u)) out.add(u)
    }
    for (const mob of (part.mentioned_mobile_list as string[] | undefined) ?? []) {
      if (mob === '@all') out.add('@all')
      const who = members.find((x) => x.mobile === mob)
      if (who) out.add(who.userid)
    }
  }
  return [...out]
}
