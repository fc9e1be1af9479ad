/**
 * What the DingTalk custom robot checks in a message body, as pure functions.
 * Field casing differs per type on purpose: link uses messageUrl/picUrl, feedCard messageURL/picURL, actionCard
 * singleURL/btns[].actionURL.
 */
export type Json = Record<string, unknown>

export const MSG_TYPES = ['text', 'link', 'markdown', 'actionCard', 'feedCard'] as const

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const obj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The first missing or wrongly cased field, as "<type> --》 <field>", or undefined when the shape is complete. */
export function missingField(msg: Json, o: { strictBtnOrientation: boolean }): string | undefined {
  const type = msg.msgtype as string
  const part = msg[type]
  if (!obj(part)) return `${type} --》 ${type}`
  const need = (fields: string[]) => fields.find((f) => !str(part[f]))
  switch (type) {
    case 'text':
      return prefix(type, need(['content']))
    case 'link':
      return prefix(type, need(['title', 'text', 'messageUrl']))
    case 'markdown':
      return prefix(type, need(['title', 'text']))
    case 'actionCard': {
      const base = need(['title', 'text'])
      if (base) return prefix(type, base)
      if (o.strictBtnOrientation && part.btnOrientation !== undefined && !['0', '1'].includes(part.btnOrientation as string)) {
        return prefix(type, 'btnOrientation')
      }
      if (str(part.singleTitle) && str(part.singleURL)) return undefined
      const btns = part.btns
      if (!Array.isArray(btns) || btns.length === 0) return prefix(type, 'singleURL')
      const bad = btns.findIndex((b) => !obj(b) || !str(b.title) || !str(b.actionURL))
      return bad >= 0 ? `${type} --》 btns[${bad}].actionURL` : undefined
    }
    case 'feedCard': {
      const links = part.links
      if (!Array.isArray(links) || links.length === 0) return prefix(type, 'links')
      for (const [i, l] of links.entries()) {
        const f = ['title', 'messageURL', 'picURL'].find((k) => !obj(l) || !str(l[k]))
        if (f) return `${type} --》 links[${i}].${f}`
      }
      return undefined
    }
  }
  return undefined
}

const prefix = (type: string, f: string | undefined) => (f ? `${type} --》 ${f}` : undefined)

/** Every user-visible string of a message: where the keyword check looks (which fields count is unverified). */
export function visibleText(msg: Json): string[] {
  const part = (msg[msg.msgtype as string] ?? {}) as Json
  const out = ['content', 'title', 'text', 'singleTitle'].map((k) => part[k]).filter(str)
  for (const list of [part.btns, part.links]) {
    if (Array.isArray(list)) out.push(...list.map((b: Json) => b?.title).filter(str))
  }
  return out
}

export type Member = { mobile?: string; userId?: string }
export type Resolution = { resolved: string[]; masked: string[]; unresolved: string[] }

/**
 * Who a message really notifies: text resolves from `at` alone; markdown and actionCard only
 * where the `@<mobile|userId>` token is in `text`; link and feedCard never. Mobiles outside the group are masked.
 */
export function resolveMentions(msg: Json, members: Member[]): Resolution {
  const r: Resolution = { resolved: [], masked: [], unresolved: [] }
  const type = msg.msgtype as string
  if (type === 'link' || type === 'feedCard') return r
  const at = (obj(msg.at) ? msg.at : {}) as Json
  const body = String(((msg[type] ?? {}) as Json)[type === 'text' ? 'content' : 'text'] ?? '')
  const needsToken = type !== 'text'
  const inBody = (id: string) => !needsToken || body.includes(`@${id}`)
  for (const m of arr(at.atMobiles)) {
    if (!members.some((x) => x.mobile === m)) r.masked.push(m.replace(/^(.{3}).*(.{4})$/, '$1****$2'))
    else if (inBody(m)) r.resolved.push(`mobile:${m}`)
    else r.unresolved.push(`mobile:${m}`)
  }
  for (const u of arr(at.atUserIds)) {
    if (members.some((x) => x.userId === u) && inBody(u)) r.resolved.push(`userId:${u}`)
    else r.unresolved.push(`userId:${u}`)
  }
  if (at.isAtAll === true) {
    if (type !== 'actionCard' || body.includes('@所有人')) r.resolved.push('all')
    else r.unresolved.push('all')
  }
  return r
}

const arr = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
