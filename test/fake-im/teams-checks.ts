/**
 * What a Teams Workflows flow ("Send webhook alerts to a channel") does with a request it has accepted,
 * as pure functions: the trigger's schema, the reasons a run fails, and who a posted card notifies. The sender never
 * sees any of it: it got a 202.
 */
export type Json = Record<string, unknown>
export type Member = { upn?: string; objectId?: string; name?: string }
export type Resolution = { resolved: string[]; unresolved: string[] }
/** The trigger's request-body JSON Schema, in the subset a flow's trigger uses. */
export type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema }

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive'
const obj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The first place `v` breaks `s`, as the trigger names it, or undefined. */
export function schemaProblem(v: unknown, s: Schema, path = 'body'): string | undefined {
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type]
  const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v
  if (types && !types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
    return `Invalid type. Expected ${types.join(', ')} but got ${actual[0].toUpperCase()}${actual.slice(1)}. Path '${path}'.`
  }
  if (obj(v)) {
    const missing = (s.required ?? []).find((k) => !(k in v))
    if (missing) return `Required properties are missing from object: ${missing}. Path '${path}'.`
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const p = k in v ? schemaProblem(v[k], sub, `${path}.${k}`) : undefined
      if (p) return p
    }
  }
  if (Array.isArray(v) && s.items) {
    for (const [i, x] of v.entries()) {
      const p = schemaProblem(x, s.items, `${path}[${i}]`)
      if (p) return p
    }
  }
  return undefined
}

/** Why the run posting this message fails, or undefined when it posts. */
export function runProblem(msg: Json, o: { maxVersion: string; acceptMessageCard: boolean }): string | undefined {
  if (isMessageCard(msg)) return o.acceptMessageCard ? undefined : 'MessageCard is not supported: send a message with an Adaptive Card attachment.'
  if (msg.type !== 'message') return `The message type '${String(msg.type)}' is not supported: expected 'message'.`
  // The template's "Apply to each" loops over `attachments`: without them the run fails there.
  if (!Array.isArray(msg.attachments) || msg.attachments.length === 0) return "The 'attachments' property is missing or empty: nothing to post."
  for (const [i, a] of msg.attachments.entries()) {
    if (!obj(a) || a.contentType !== ADAPTIVE) return `attachments[${i}].contentType must be '${ADAPTIVE}'.`
    const card = a.content
    if (!obj(card) || card.type !== 'AdaptiveCard') return `attachments[${i}].content is not an AdaptiveCard.`
    if (typeof card.version !== 'string' || !/^\d+\.\d+$/.test(card.version)) return `attachments[${i}].content.version is missing or malformed.`
    if (versionAbove(card.version, o.maxVersion)) return `Adaptive Card version ${card.version} is not supported (at most ${o.maxVersion}).`
    if (card.body !== undefined && !Array.isArray(card.body)) return `attachments[${i}].content.body must be an array.`
    if (usesSubmit(card)) return 'Action.Submit is not supported in cards posted by a webhook.'
    const bad = cardProblem(card, `attachments[${i}].content`)
    if (bad) return `The card is not valid: ${bad}.`
  }
  return undefined
}

/**
 * The first element or action that lacks what the Adaptive Cards schema requires of it
 * (https://adaptivecards.io/explorer/: TextBlock.text, FactSet.facts of {title, value} strings, Action.OpenUrl.url, an
 * absolute URL), walking containers; the "Post card in a chat or channel" action refuses such a card.
 */
export function cardProblem(card: Json, path: string): string | undefined {
  const elements = (list: unknown, at: string): string | undefined => {
    if (!Array.isArray(list)) return undefined
    for (const [k, e] of list.entries()) {
      const p = element(e, `${at}[${k}]`)
      if (p) return p
    }
    return undefined
  }
  const element = (e: unknown, at: string): string | undefined => {
    if (!obj(e)) return `${at} is not an object`
    if (e.type === 'TextBlock' && typeof e.text !== 'string') return `${at}: TextBlock.text must be a string`
    if (e.type === 'FactSet') {
      if (!Array.isArray(e.facts)) return `${at}: FactSet.facts must be an array`
      const k = e.facts.findIndex((f) => !obj(f) || typeof f.title !== 'string' || typeof f.value !== 'string')
      if (k >= 0) return `${at}.facts[${k}]: title and value must be strings`
    }
    if (e.type === 'Action.OpenUrl' && !(typeof e.url === 'string' && /^https?:\/\//i.test(e.url) && URL.canParse(e.url))) return `${at}: Action.OpenUrl.url must be an absolute http(s) URL`
    const columns = Array.isArray(e.columns) ? e.columns.map((c, k) => elements(obj(c) ? c.items : undefined, `${at}.columns[${k}].items`)).find(Boolean) : undefined
    return columns ?? elements(e.items, `${at}.items`) ?? elements(e.actions, `${at}.actions`)
  }
  return elements(card.body, `${path}.body`) ?? elements(card.actions, `${path}.actions`)
}

function versionAbove(v: string, max: string): boolean {
  const [a, b] = v.split('.').map(Number)
  const [c, d] = max.split('.').map(Number)
  return a > c || (a === c && b > d)
}

const isMessageCard = (msg: Json) => msg['@type'] === 'MessageCard' || msg.type === 'MessageCard'

function usesSubmit(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(usesSubmit)
  return obj(v) && (v.type === 'Action.Submit' || Object.values(v).some(usesSubmit))
}

/** The card's shown strings, in order, where `<at>…</at>` may be a mention: TextBlock text and Fact title/value. */
function mentionable(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) mentionable(x, out)
  else if (obj(v)) {
    if (v.type === 'TextBlock' && typeof v.text === 'string') out.push(v.text)
    if (v.type === 'FactSet' && Array.isArray(v.facts)) for (const f of v.facts as Json[]) out.push(`${String(f.title ?? '')}: ${String(f.value ?? '')}`)
    for (const [k, x] of Object.entries(v)) if (k !== 'msteams' && k !== 'facts') mentionable(x, out)
  }
  return out
}

type Entity = { text: string; id: string; name: string }

function entities(card: Json): Entity[] {
  const list = (obj(card.msteams) ? card.msteams.entities : undefined) as unknown
  if (!Array.isArray(list)) return []
  return list.filter((e): e is Json => obj(e) && e.type === 'mention' && obj(e.mentioned)).map((e) => ({ text: String(e.text), id: String((e.mentioned as Json).id), name: String((e.mentioned as Json).name ?? '') }))
}

const cards = (msg: Json): Json[] => (Array.isArray(msg.attachments) ? (msg.attachments as Json[]).map((a) => a.content as Json) : [])

/**
 * A mention notifies when its entity's `text` is verbatim in a TextBlock or Fact and its `mentioned.id` is a
 * channel member's UPN or Entra object id. `notify: false` models posts "as User" or by the Flow bot
 * that were seen not to notify (unconfirmed either way).
 */
export function resolveMentions(msg: Json, members: Member[], notify: boolean): Resolution {
  const r: Resolution = { resolved: [], unresolved: [] }
  for (const card of cards(msg)) {
    const shown = mentionable(card.body).join('\n')
    for (const e of entities(card)) {
      const ok = notify && shown.includes(e.text) && members.some((m) => m.upn === e.id || m.objectId === e.id)
      const list = ok ? r.resolved : r.unresolved
      if (!list.includes(e.id)) list.push(e.id)
    }
  }
  return r
}

/** What the channel shows, as plain text: `<at>Name</at>` as `@Name` where an entity backs it, else `Name`. */
export function visibleText(msg: Json): string {
  if (isMessageCard(msg)) return [msg.title, msg.text].filter((x) => typeof x === 'string').join('\n') // buttons dropped
  return cards(msg)
    .map((card) => {
      const backed = new Set(entities(card).map((e) => e.text))
      return mentionable(card.body)
        .join('\n')
        .replace(/<at>([^<]*)<\/at>/g, (m, name: string) => (backed.has(m) ? `@${name}` : name))
    })
    .join('\n')
}
