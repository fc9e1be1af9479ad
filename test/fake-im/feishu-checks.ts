/**
 * What a Feishu/Lark custom bot checks in a message body and who it notifies, as pure functions. The top-level key
 * of a card is `card` (an object), not `content`.
 */
export type Json = Record<string, unknown>
export type Member = { openId?: string; userId?: string; name?: string }
export type Resolution = { resolved: string[]; unresolved: string[] }
/** A rejection in Feishu's own terms: the HTTP status it comes with, the code and the msg. */
export type Rejection = { status: number; code: number; msg: string }

export const MSG_TYPES = ['text', 'post', 'image', 'share_chat', 'interactive'] as const
const LOCALES = ['zh_cn', 'en_us', 'ja_jp']
/** Card JSON 2.0 rejects any other top-level key; 1.0 ignores unknown keys (card-json-v2-breaking-changes). */
const CARD_V2_KEYS = ['schema', 'config', 'card_link', 'header', 'body']

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const obj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const parseFail: Rejection = { status: 400, code: 9499, msg: 'Bad Request: fail to parse content' }
const cardInvalid: Rejection = { status: 200, code: 11246, msg: 'card json is invalid' }
export const badMention: Rejection = {
  status: 200,
  code: 11246,
  msg: 'ErrCode: 100290; ErrMsg: there is an invalid user resource (at/person) in your card; ErrorValue: ; ',
}

/** msg_type and the shape its type needs; undefined when the message may be shown. */
export function shapeProblem(msg: Json, o: { chatId?: string }): Rejection | undefined {
  if (msg.msg_type === undefined || msg.msg_type === '') return { status: 200, code: 19002, msg: 'params error, msg_type need' }
  // The code for an unknown type is not confirmed; the observed "param invalid: msg_type" is used.
  if (!(MSG_TYPES as readonly unknown[]).includes(msg.msg_type)) return { status: 200, code: 19002, msg: 'param invalid: msg_type' }
  const content = msg.content
  switch (msg.msg_type) {
    case 'text':
      return obj(content) && str(content.text) ? undefined : parseFail
    case 'post':
      return obj(content) && postOk(content.post) ? undefined : parseFail
    case 'image':
      return obj(content) && str(content.image_key) ? undefined : parseFail
    case 'share_chat':
      // A bot can share only its own group.
      return obj(content) && str(content.share_chat_id) && (!o.chatId || content.share_chat_id === o.chatId) ? undefined : parseFail
    case 'interactive':
      if (!obj(msg.card)) return { status: 200, code: 11246, msg: 'params error, unknown card value' }
      return cardProblem(msg.card)
  }
  return undefined
}

function postOk(post: unknown): boolean {
  if (!obj(post)) return false
  const locales = LOCALES.filter((l) => post[l] !== undefined)
  if (locales.length === 0) return false
  return locales.every((l) => {
    const p = post[l]
    if (!obj(p) || (p.title !== undefined && typeof p.title !== 'string')) return false
    return Array.isArray(p.content) && p.content.every((line) => Array.isArray(line) && line.every(nodeOk))
  })
}

/** Post nodes: an `a` needs a real link ("an invalid link makes the send fail"), an `at` a user_id. */
function nodeOk(n: unknown): boolean {
  if (!obj(n)) return false
  switch (n.tag) {
    case 'text':
      return typeof n.text === 'string'
    case 'a':
      return typeof n.text === 'string' && typeof n.href === 'string' && /^https?:\/\/[^\s/]+/.test(n.href)
    case 'at':
      return str(n.user_id)
    case 'img':
      return str(n.image_key)
  }
  // Other tags (emotion, hr, code_block, md) exist in newer docs; how strictly they are read is unverified.
  return str(n.tag)
}

function cardProblem(card: Json): Rejection | undefined {
  if (card.schema === undefined) return undefined // 1.0: unknown keys ignored, `{}` is a card
  if (card.schema !== '2.0') return cardInvalid
  if (Object.keys(card).some((k) => !CARD_V2_KEYS.includes(k))) return cardInvalid
  const body = card.body
  if (!obj(body) || !Array.isArray(body.elements) || !body.elements.every((e) => obj(e) && str(e.tag))) return cardInvalid
  return undefined
}

/** Every `<at …>` in a text content: `<at user_id="ou_x">Name</at>` (quotes optional). */
const TEXT_AT = /<at\s+user_id=(?:"([^"]*)"|([^\s>]+))\s*>([^<]*)<\/at>/g
/** Every `<at …>` in card markdown: `id=`, `ids=a,b` or (not allowed to custom bots) `email=`. */
const CARD_AT = /<at\s+(id|ids|email|user_id)=(?:"([^"]*)"|([^\s>]+))\s*>([^<]*)<\/at>/g

const isMember = (members: Member[], id: string) => members.some((m) => m.openId === id || m.userId === id)
const nameOf = (members: Member[], id: string) => members.find((m) => m.openId === id || m.userId === id)?.name ?? id

/**
 * Who the message notifies. Text and post: an id that is not a member shows its name and notifies nobody, no error.
 * `all` notifies only where the group allows @所有人. Cards: see `cardMentionProblem`.
 */
export function resolveMentions(msg: Json, members: Member[], atAll: boolean): Resolution {
  const r: Resolution = { resolved: [], unresolved: [] }
  const add = (id: string) => {
    const ok = id === 'all' ? atAll : isMember(members, id)
    const list = ok ? r.resolved : r.unresolved
    if (!list.includes(id)) list.push(id)
  }
  if (msg.msg_type === 'text') for (const m of String((msg.content as Json).text).matchAll(TEXT_AT)) add(m[1] ?? m[2])
  if (msg.msg_type === 'post') for (const n of postNodes(msg)) if (n.tag === 'at') add(String(n.user_id))
  if (msg.msg_type === 'interactive') for (const id of cardAtIds(msg.card as Json)) add(id.id)
  return r
}

/** A card fails whole on one `<at>` it cannot resolve (PrometheusAlert#461): email, or not a member. */
export function cardMentionProblem(card: Json, members: Member[]): Rejection | undefined {
  return cardAtIds(card).some((a) => a.kind === 'email' || (a.id !== 'all' && !isMember(members, a.id))) ? badMention : undefined
}

function cardAtIds(card: Json): { kind: string; id: string }[] {
  const out: { kind: string; id: string }[] = []
  for (const text of cardMarkdown(card)) {
    for (const m of text.matchAll(CARD_AT)) {
      const value = m[2] ?? m[3]
      for (const id of m[1] === 'ids' ? value.split(',') : [value]) out.push({ kind: m[1], id: id.trim() })
    }
  }
  return out
}

/** The markdown strings of a card (lark_md text and markdown components), where `<at>` means a mention. */
function cardMarkdown(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) cardMarkdown(x, out)
  else if (obj(v)) {
    if ((v.tag === 'lark_md' || v.tag === 'markdown') && typeof v.content === 'string') out.push(v.content)
    for (const x of Object.values(v)) cardMarkdown(x, out)
  }
  return out
}

function postNodes(msg: Json): Json[] {
  const post = ((msg.content as Json).post ?? {}) as Json
  const out: Json[] = []
  for (const l of LOCALES) {
    const p = post[l] as Json | undefined
    if (p) for (const line of p.content as Json[][]) out.push(...line)
  }
  return out
}

/**
 * Text-like values, where a keyword counts: `text`, `title`, `content`; never `href` or tag attributes.
 * Which fields the real server reads is documented only as "text and title".
 */
export function keywordFields(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) keywordFields(x, out)
  else if (obj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && ['text', 'title', 'content'].includes(k)) out.push(x)
      else keywordFields(x, out)
    }
  }
  return out
}

/** What the group sees, as plain text: mentions as `@Name`, one locale of a post, a card's header then its texts. */
export function visibleText(msg: Json, members: Member[]): string {
  const at = (id: string, name: string) => `@${name || (id === 'all' ? '所有人' : nameOf(members, id))}`
  switch (msg.msg_type) {
    case 'text':
      return String((msg.content as Json).text).replace(TEXT_AT, (_m, q, bare, name) => at(q ?? bare, name))
    case 'post': {
      const post = (msg.content as Json).post as Json
      const p = post[LOCALES.find((l) => post[l])!] as Json
      const lines = (p.content as Json[][]).map((line) => line.map((n) => (n.tag === 'at' ? at(String(n.user_id), String(n.user_name ?? '')) : n.tag === 'img' ? '[image]' : String(n.text ?? ''))).join(''))
      return [p.title, ...lines].filter((x) => typeof x === 'string' && x !== '').join('\n')
    }
    case 'interactive':
      return cardTexts(msg.card)
        .map((t) => t.replace(CARD_AT, (_m, kind, q, bare) => (kind === 'ids' ? String(q ?? bare).split(',').map((id) => at(id, '')).join(' ') : at(q ?? bare, ''))))
        .join('\n')
    case 'image':
      return '[image]'
  }
  return '[group card]'
}

/** A card's shown strings in document order: every `content` of a text tag (plain_text, lark_md, markdown). */
function cardTexts(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) cardTexts(x, out)
  else if (obj(v)) {
    if (['plain_text', 'lark_md', 'markdown'].includes(v.tag as string) && typeof v.content === 'string') out.push(v.content)
    for (const x of Object.values(v)) cardTexts(x, out)
  }
  return out
}
