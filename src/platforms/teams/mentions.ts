import { mentionLine, platformId, type Names, type Person } from '../../render/mentions.js'
import { userText } from '../../render/user-text.js'
import type { Mention } from '../../routing.js'

/** A card's mention entity (`msteams.entities`): `text` must be verbatim in a TextBlock or Fact of the card. */
export type Entity = { type: 'mention'; text: string; mentioned: { id: string; name: string } }

export type TeamsMentions = { entities: Entity[]; line: string }

type Who = { id?: string; name: string }

/** People with a `teams:` id (UPN or Entra object id) first, then those known by name only; repeats removed. */
function teamsPeople(ms: Mention[]): Who[] {
  const seen = new Set<string>()
  const out: Who[] = []
  for (const m of ms) {
    const id = m.resolved ? platformId(m, 'teams') : undefined
    const key = id ? `id:${id}` : `name:${m.name}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ id, name: m.name })
  }
  return [...out.filter((w) => w.id), ...out.filter((w) => !w.id)]
}

/**
 * The first `keep` people: each one with an id as `<at>Name</at>` in the line plus its entity, the rest by name.
 * The tags and ids come from the rules' people, never from CI data; a name is user text (neutral: CI text cannot
 * write `<`, so a commit message cannot hold a tag an entity matches). Two people shown by one name get " (2)"…:
 * Teams matches an entity by its text, and two equal texts would make one mention.
 */
export function teamsMentions(ms: Mention[], keep: number, names: Names): TeamsMentions {
  const ps = teamsPeople(ms).slice(0, keep)
  const shown = new Map<string, number>()
  const entities: Entity[] = []
  for (const p of ps) {
    if (!p.id) continue
    const base = names.text(userText(p.name, names.cap, { any: false }))
    const n = (shown.get(base) ?? 0) + 1
    shown.set(base, n)
    const name = n > 1 ? `${base} (${n})` : base
    entities.push({ type: 'mention', text: `<at>${name}</at>`, mentioned: { id: p.id, name } })
  }
  const named: Person[] = ps.filter((p) => !p.id).map((p) => ({ kind: 'name', value: p.name }))
  return { entities, line: mentionLine(entities.map((e) => e.text), named, names) }
}
