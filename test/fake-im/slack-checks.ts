/**
 * What a Slack incoming webhook checks in a payload and who it notifies, as pure functions. Limits are in characters
 * (code points here), not bytes.
 */
export type Json = Record<string, unknown>
export type Member = { id: string; name?: string }
export type Resolution = { resolved: string[]; unresolved: string[] }

export const MAX_TEXT = 40_000
const MAX_BLOCKS = 50
/** Known block types; an unknown one is an invalid block. */
const BLOCK_TYPES = ['section', 'header', 'divider', 'context', 'actions', 'image', 'rich_text', 'markdown', 'video', 'file', 'input']

const obj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
export const chars = (s: string) => [...s].length

/** The error string for a payload Slack will not post, or undefined. */
export function payloadProblem(msg: Json): string | undefined {
  const has = (v: unknown) => (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0)
  if (!has(msg.text) && !has(msg.blocks) && !has(msg.attachments)) return 'no_text'
  if (msg.blocks !== undefined && blocksProblem(msg.blocks)) return 'invalid_blocks'
  // 100 attachments: Slack's message guideline; the webhook's own threshold is not documented.
  if (Array.isArray(msg.attachments) && msg.attachments.length > 100) return 'too_many_attachments'
  if (msg.attachments !== undefined && !(Array.isArray(msg.attachments) && msg.attachments.every(obj))) return 'invalid_attachments'
  return undefined
}

function blocksProblem(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return true
  return !blocks.every((b) => obj(b) && BLOCK_TYPES.includes(b.type as string) && blockOk(b))
}

/** A text object: `plain_text` or `mrkdwn`, at least one character, at most `max`. */
const textOk = (t: unknown, max: number, types = ['plain_text', 'mrkdwn']) =>
  obj(t) && types.includes(t.type as string) && typeof t.text === 'string' && t.text.length > 0 && chars(t.text) <= max

function blockOk(b: Json): boolean {
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) return false
      if (b.text !== undefined && !textOk(b.text, 3000)) return false
      if (b.fields === undefined) return true
      return Array.isArray(b.fields) && b.fields.length <= 10 && b.fields.every((f) => textOk(f, 2000))
    }
    case 'header':
      return textOk(b.text, 150, ['plain_text'])
    case 'context':
      return Array.isArray(b.elements) && b.elements.length >= 1 && b.elements.length <= 10 && b.elements.every((e) => textOk(e, 3000) || (obj(e) && e.type === 'image'))
    case 'markdown':
      return typeof b.text === 'string' && chars(b.text) <= 12_000
    case 'actions':
      return Array.isArray(b.elements) && b.elements.length >= 1 && b.elements.length <= 25
    case 'image':
      return typeof b.alt_text === 'string' && (typeof b.image_url === 'string' || obj(b.slack_file))
    case 'rich_text':
      return Array.isArray(b.elements)
  }
  return true
}

/**
 * The strings the channel shows, where `<…>` markup is live: the blocks' mrkdwn (a plain_text object shows its
 * text as written), else the top-level text (cut at 40,000 characters); plus legacy attachments' text. With
 * blocks, the top-level text is only the notification fallback.
 */
export function shownParts(msg: Json): { text: string; live: boolean }[] {
  const out: { text: string; live: boolean }[] = []
  const textObj = (t: unknown) => obj(t) && typeof t.text === 'string' && out.push({ text: t.text, live: t.type === 'mrkdwn' })
  if (Array.isArray(msg.blocks) && msg.blocks.length > 0) {
    for (const b of msg.blocks as Json[]) {
      if (b.type === 'markdown') out.push({ text: String(b.text), live: true })
      textObj(b.text)
      for (const f of (b.fields as unknown[] | undefined) ?? []) textObj(f)
      if (b.type === 'context') for (const e of b.elements as unknown[]) textObj(e)
      if (b.type === 'rich_text') out.push({ text: richText(b.elements), live: true })
    }
  } else if (typeof msg.text === 'string') out.push({ text: [...msg.text].slice(0, MAX_TEXT).join(''), live: true })
  for (const a of (msg.attachments as Json[] | undefined) ?? []) {
    for (const k of ['pretext', 'title', 'text']) if (typeof a[k] === 'string') out.push({ text: a[k] as string, live: k !== 'title' })
    for (const f of (a.fields as Json[] | undefined) ?? []) if (typeof f?.value === 'string') out.push({ text: f.value, live: true })
  }
  return out
}

/** Rich text as markup: its user, usergroup and broadcast elements written as the `<…>` forms they mean. */
function richText(v: unknown): string {
  if (Array.isArray(v)) return v.map(richText).join('')
  if (!obj(v)) return ''
  if (v.type === 'text') return escape(String(v.text ?? ''))
  if (v.type === 'user') return `<@${String(v.user_id)}>`
  if (v.type === 'usergroup') return `<!subteam^${String(v.usergroup_id)}>`
  if (v.type === 'broadcast') return `<!${String(v.range)}>`
  if (v.type === 'link') return `<${String(v.url)}|${String(v.text ?? v.url)}>`
  return richText(v.elements)
}
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const MENTION = /<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!here|!channel|!everyone)(?:\|[^>]*)?>/g

/** Mentions in live markup only; an entity-escaped `&lt;!here&gt;` is text, not a mention. */
export function resolveMentions(parts: { text: string; live: boolean }[], members: Member[], subteams: string[]): Resolution {
  const r: Resolution = { resolved: [], unresolved: [] }
  for (const p of parts.filter((x) => x.live)) {
    for (const m of p.text.matchAll(MENTION)) {
      const token = m[1]
      const [id, ok] = token.startsWith('@')
        ? [token.slice(1), members.some((x) => x.id === token.slice(1))]
        : token.startsWith('!subteam^')
          ? [`subteam:${token.slice(9)}`, subteams.includes(token.slice(9))]
          : [token.slice(1), true]
      const list = ok ? r.resolved : r.unresolved
      if (!list.includes(id)) list.push(id)
    }
  }
  return r
}

/** What the channel shows as plain text: mentions as @name, links as their label, entities decoded. */
export function visibleText(parts: { text: string; live: boolean }[], members: Member[]): string {
  return parts
    .map((p) => {
      if (!p.live) return p.text
      return p.text
        .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${members.find((x) => x.id === id)?.name ?? id}`)
        .replace(/<!subteam\^(S[A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => `@${label ?? id}`)
        .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
        .replace(/<([^|>]+)\|([^>]*)>/g, '$2')
        .replace(/<([^>]+)>/g, '$1')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
    })
    .join('\n')
}
