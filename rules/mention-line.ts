import type { CommonEvent } from '../src/event.js'
import type { Mention } from '../src/routing.js'

/** `author → 张三 (by gitlab username)`: the line format the cases folder keeps too. */
export function mentionLine(m: Mention, source: CommonEvent['source']): string {
  const how = m.resolved
    ? {
        username: `by ${source} username`,
        email: `by ${source}'s verified email`,
        commit_email: 'by commit email (people_match.commit_emails)',
        actor_email: "by commit email, the actor's own",
        name: 'by name (people_match.names)',
        people: 'named in the rule',
      }[m.via ?? 'name']
    : `unresolved: ${unmatched(m)}written by name, without @`
  const as = m.as === m.name ? '' : `${m.as} → `
  return `${as}${m.name} (${how})`
}

function unmatched({ unmatched: u, name }: Mention): string {
  if (!u) return ''
  if (u.reason === 'ambiguous') return `ambiguous: ${u.count} people named ${name}; `
  const by = u.reason === 'name' ? 'display name (people_match.names)' : 'commit email (people_match.commit_emails)'
  return `only the ${by} matches ${u.person}, and the file does not trust it; `
}
