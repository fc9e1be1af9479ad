import type { CommonEvent, Person, Source } from '../src/event.js'
import type { PersonEntry } from './schema.js'
import type { Mention } from './types.js'

/** Roles a rule's `mention` may name, besides names from `people`. `all` is @all, not a person. */
export const ROLES = ['author', 'actor', 'culprits', 'all'] as const

/** The `people` list indexed once at load. Handles and emails compare case-insensitively, as the platforms do. */
export type Directory = {
  handles: Record<Source, Map<string, PersonEntry>>
  emails: Map<string, PersonEntry>
  names: Map<string, PersonEntry>
}

export function buildDirectory(people: PersonEntry[]): Directory {
  const dir: Directory = { handles: { gitlab: new Map(), github: new Map(), jenkins: new Map() }, emails: new Map(), names: new Map() }
  for (const p of people) {
    for (const s of ['gitlab', 'github', 'jenkins'] as const) if (p[s]) dir.handles[s].set(p[s].toLowerCase(), p)
    for (const e of p.emails ?? []) dir.emails.set(e.toLowerCase(), p)
    dir.names.set(p.name, p)
  }
  return dir
}

const found = (as: string, p: PersonEntry, via: Mention['via']): Mention => ({
  as,
  name: p.name,
  resolved: true,
  via,
  ...(p.dingtalk && { dingtalk: p.dingtalk }),
  ...(p.wecom && { wecom: p.wecom }),
  ...(p.mobile && { mobile: p.mobile }),
})

/** By the source's username, then by any email, then by name; else written by name, unresolved (never dropped). */
export function resolvePerson(dir: Directory, source: Source, who: Person, as: string): Mention | undefined {
  const byHandle = who.username && dir.handles[source].get(who.username.toLowerCase())
  if (byHandle) return found(as, byHandle, 'username')
  const byEmail = who.email && dir.emails.get(who.email.toLowerCase())
  if (byEmail) return found(as, byEmail, 'email')
  const byName = who.name && dir.names.get(who.name)
  if (byName) return found(as, byName, 'name')
  const name = who.name || who.username || who.email
  return name ? { as, name, resolved: false } : undefined
}

/** The mentions one rule asks for on one event; `all` is left to the caller (it is a flag, not a person). */
export function mentionsFor(dir: Directory, event: CommonEvent, asked: string[]): Mention[] {
  const out: Mention[] = []
  const add = (m: Mention | undefined) => m && out.push(m)
  for (const as of asked) {
    if (as === 'all') continue
    if (as === 'author') add(event.commit?.author && resolvePerson(dir, event.source, event.commit.author, as))
    else if (as === 'actor') add(event.actor && resolvePerson(dir, event.source, event.actor, as))
    // Jenkins culprits are Jenkins user ids.
    else if (as === 'culprits') for (const id of event.culprits ?? []) add(resolvePerson(dir, 'jenkins', { username: id, name: id }, as))
    else {
      const p = dir.names.get(as)
      if (p) add(found(as, p, 'people'))
    }
  }
  return out
}

/** One person once per target: the same person reached as author and actor is one @. */
export function unionMentions(into: Mention[], more: Mention[]): void {
  const key = (m: Mention) => (m.resolved ? `p:${m.name}` : `u:${m.name}`)
  const seen = new Set(into.map(key))
  for (const m of more) {
    if (seen.has(key(m))) continue
    seen.add(key(m))
    into.push(m)
  }
}
