import { adapters, isSource, SOURCES } from '../adapters/index.js'
import type { CommonEvent, Person } from '../src/event.js'
import type { PeopleMatch, PersonEntry } from './schema.js'
import type { Mention } from '../src/routing.js'
import { PLATFORM_NAMES } from '../src/platforms/index.js'

/** Roles a rule's `mention` may name, besides names from `people`. `all` is @all, not a person. */
export const ROLES = ['author', 'actor', 'culprits', 'all'] as const

/**
 * Whether a source vouches for the e-mail of the person who triggered a run (Adapter.vouchesActorEmail: GitLab's is a
 * confirmed address; GitHub sends a login only). A commit's author name and e-mail are never vouched for: they are
 * whatever the committer's git config says.
 */
export const vouchesActorEmail = (source: string): boolean => isSource(source) && adapters[source].vouchesActorEmail

/** The `people` list indexed once at load. Handles and emails compare case-insensitively, as the platforms do. */
export type Directory = {
  /** Per source, built-in or defined under `sources:`: its user names, lower case. */
  handles: Record<string, Map<string, PersonEntry>>
  emails: Map<string, PersonEntry>
  /** Two people may share a name (two 张伟): a name matches only when exactly one person has it. */
  names: Map<string, PersonEntry[]>
  match: PeopleMatch
}

/** A person's user name on a source (`gitlab: …`, or a configured source's id), when the entry has one. */
export const userNameOn = (p: PersonEntry, source: string): string | undefined => (typeof p[source] === 'string' && p[source] !== '' ? p[source] : undefined)

/** `configured`: the ids of the file's own `sources:`, whose user names people may carry as the built-in ones'. */
export function buildDirectory(people: PersonEntry[], match: PeopleMatch = { names: false, commit_emails: false }, configured: readonly string[] = []): Directory {
  const all = [...SOURCES, ...configured]
  const handles: Directory['handles'] = Object.fromEntries(all.map((s) => [s, new Map<string, PersonEntry>()]))
  const dir: Directory = { handles, emails: new Map(), names: new Map(), match }
  for (const p of people) {
    for (const s of all) {
      const id = userNameOn(p, s)
      if (id) dir.handles[s].set(id.toLowerCase(), p)
    }
    for (const e of p.emails ?? []) dir.emails.set(e.toLowerCase(), p)
    dir.names.set(p.name, [...(dir.names.get(p.name) ?? []), p])
  }
  return dir
}

/** Someone an event names: its actor, its commit's author or a culprit, and what the source vouches for. */
type Claim = { who: Person; source: string; vouchedEmail: boolean }

type Lookup = { person: PersonEntry; via: NonNullable<Mention['via']> } | { person?: undefined; unmatched?: Mention['unmatched'] }

/**
 * Trusted first: the source's username (the CI authenticated it), then an e-mail the source vouches for. Then, only
 * where the file opts in, a commit e-mail and a display name. A commit e-mail that belongs to the person the actor
 * already is names nobody new, so it counts without the opt-in (`actor`: the actor's entry, found the same way).
 */
function lookup(dir: Directory, c: Claim, actor: PersonEntry | undefined): Lookup {
  const { who } = c
  const byHandle = who.username && Object.hasOwn(dir.handles, c.source) ? dir.handles[c.source].get(who.username.toLowerCase()) : undefined
  if (byHandle) return { person: byHandle, via: 'username' }
  const byEmail = who.email ? dir.emails.get(who.email.toLowerCase()) : undefined
  if (byEmail && c.vouchedEmail) return { person: byEmail, via: 'email' }
  if (byEmail && dir.match.commit_emails) return { person: byEmail, via: 'commit_email' }
  if (byEmail && byEmail === actor) return { person: byEmail, via: 'actor_email' }
  const named = who.name ? (dir.names.get(who.name) ?? []) : []
  if (dir.match.names && named.length === 1) return { person: named[0], via: 'name' }
  if (dir.match.names && named.length > 1) return { unmatched: { reason: 'ambiguous', count: named.length } }
  if (byEmail) return { unmatched: { reason: 'commit_email', person: byEmail.name } }
  if (named.length > 0) return { unmatched: { reason: 'name', person: named[0].name } }
  return {}
}

const found = (as: string, p: PersonEntry, via: Mention['via']): Mention => ({
  as,
  name: p.name,
  resolved: true,
  via,
  ...(idsOf(p) && { ids: idsOf(p) }),
  ...(p.mobile && { mobile: p.mobile }),
})

/** The person's id on each registered platform that has one, or undefined when none has. */
function idsOf(p: PersonEntry): Record<string, string> | undefined {
  const ids = Object.fromEntries(PLATFORM_NAMES.filter((n) => p[n]).map((n) => [n, p[n]!]))
  return Object.keys(ids).length ? ids : undefined
}

/** A person the directory does not (safely) know is written by name, unresolved: never dropped, never an @. */
function resolve(dir: Directory, c: Claim, as: string, actor?: PersonEntry): Mention | undefined {
  const r = lookup(dir, c, actor)
  if (r.person) return found(as, r.person, r.via)
  const name = c.who.name || c.who.username || c.who.email
  return name ? { as, name, resolved: false, ...(r.unmatched && { unmatched: r.unmatched }) } : undefined
}

const actorClaim = (e: CommonEvent, actor: Person): Claim => ({ who: actor, source: e.source, vouchedEmail: vouchesActorEmail(e.source) })

/** Whom the directory knows the event's actor to be, by the same means as mentions; undefined when nobody. */
export function knownActor(dir: Directory, e: CommonEvent): PersonEntry | undefined {
  return e.actor && lookup(dir, actorClaim(e, e.actor), undefined).person
}

/** The mentions one rule asks for on one event; `all` is left to the caller (it is a flag, not a person). */
export function mentionsFor(dir: Directory, event: CommonEvent, asked: string[]): Mention[] {
  const out: Mention[] = []
  const add = (m: Mention | undefined) => m && out.push(m)
  for (const as of asked) {
    if (as === 'all') continue
    const author = event.commit?.author
    if (as === 'author') add(author && resolve(dir, { who: author, source: event.source, vouchedEmail: false }, as, knownActor(dir, event)))
    else if (as === 'actor') add(event.actor && resolve(dir, actorClaim(event, event.actor), as))
    // Culprits are user ids of the source that sent them (Jenkins').
    else if (as === 'culprits') for (const id of event.culprits ?? []) add(resolve(dir, { who: { username: id, name: id }, source: event.source, vouchedEmail: false }, as))
    else add(named(dir, as))
  }
  return out
}

/** A name from `people` written in the rule; the file check refuses one that two people share. */
function named(dir: Directory, as: string): Mention | undefined {
  const ps = dir.names.get(as) ?? []
  if (ps.length === 1) return found(as, ps[0], 'people')
  return ps.length > 1 ? { as, name: as, resolved: false, unmatched: { reason: 'ambiguous', count: ps.length } } : undefined
}

/**
 * One person once per target: the same person reached as author and actor is one @. A person is their name and
 * chat ids together, so two people who share a name stay two.
 */
export function unionMentions(into: Mention[], more: Mention[]): void {
  const key = (m: Mention) => (m.resolved ? `p:${JSON.stringify([m.name, m.ids, m.mobile])}` : `u:${m.name}`)
  const seen = new Set(into.map(key))
  for (const m of more) {
    if (seen.has(key(m))) continue
    seen.add(key(m))
    into.push(m)
  }
}
