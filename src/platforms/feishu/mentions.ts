import type { Mention } from '../../routing.js'
import { mentionLine, platformId, type Names, type Person } from '../../render/mentions.js'

/**
 * Feishu mentions only by open_id (`ou_…`) or user_id, a person's `feishu:`; a custom bot cannot mention by mobile or
 * e-mail, so everyone else is written by name. Resolved ids first, then names, repeats removed.
 */
export function feishuPeople(ms: Mention[]): Person[] {
  const seen = new Set<string>()
  const out: Person[] = []
  for (const m of ms) {
    const id = m.resolved ? platformId(m, 'feishu') : undefined
    const p: Person = id ? { kind: 'id', value: id } : { kind: 'name', value: m.name }
    const key = `${p.kind}:${p.value}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(p)
  }
  return [...out.filter((p) => p.kind === 'id'), ...out.filter((p) => p.kind === 'name')]
}

export type FeishuMentions = { ids: string[]; all: boolean; names: Person[] }

/** The first `keep` people: ids to mention (`all` for everyone: then no one is listed), the rest by name. */
export function feishuMentions(ms: Mention[], all: boolean, keep: number): FeishuMentions {
  const ps = feishuPeople(ms).slice(0, keep)
  return { ids: all ? [] : ps.filter((p) => p.kind === 'id').map((p) => p.value), all, names: all ? [] : ps.filter((p) => p.kind === 'name') }
}

/**
 * The mention line of a text message (`<at user_id="ou_x"></at>`) or a card (`<at id=ou_x></at>`). The ids come from
 * the rules' people, never from CI data; CI text cannot write `<` (escape.ts), so it cannot add one.
 */
export function mentionTokens(m: FeishuMentions, kind: 'text' | 'card', names: Names): string {
  const tag = (id: string) => (kind === 'text' ? `<at user_id="${id}"></at>` : `<at id=${id}></at>`)
  const tokens = m.all ? [tag('all')] : m.ids.map(tag)
  return mentionLine(tokens, m.names, names)
}
