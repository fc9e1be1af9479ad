import type { Mention } from '../routing.js'
import { userText } from './user-text.js'

/**
 * Who can be @-mentioned on each platform, in a stable order: people with a platform id or mobile first, then the
 * unresolved ones (written by name only), so shortening drops names before real mentions. Duplicates are removed.
 */
export type Person = { token?: string; kind: 'id' | 'mobile' | 'name'; value: string }

/** The people of `ms` as `platform` can mention them (its id, else a mobile, else by name). */
export function people(ms: Mention[], platform: string): Person[] {
  const seen = new Set<string>()
  const out: Person[] = []
  for (const m of ms) {
    const pid = m.resolved ? platformId(m, platform) : undefined
    const mobile = m.resolved ? m.mobile : undefined
    const p: Person = pid ? { kind: 'id', value: pid } : mobile ? { kind: 'mobile', value: mobile } : { kind: 'name', value: m.name }
    const key = `${p.kind}:${p.value}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(p)
  }
  return [...out.filter((p) => p.kind !== 'name'), ...out.filter((p) => p.kind === 'name')]
}

/**
 * The mentions with repeats removed, first kept: two that agree on everything people() reads (name, resolved, the
 * platform ids, mobile) always make the same person on every platform, so this changes no rendering, only its cost.
 */
export function distinctMentions(ms: Mention[]): Mention[] {
  const seen = new Set<string>()
  return ms.filter((m) => {
    // Each part prefixed with its length: no name can pass for another. people() reads an empty id or mobile as
    // none, so '' and undefined may share a key.
    const ids = Object.entries(m.ids ?? {}).filter(([, v]) => v).sort(([a], [b]) => (a < b ? -1 : 1)).flat()
    const key = [m.name, m.mobile ?? '', ...ids].map((s) => `${s.length}:${s}`).join('') + m.resolved
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export const mentionCount = (ms: Mention[], platform: string): number => people(ms, platform).length

/**
 * A resolved person's id on `platform` (people's `dingtalk:`, `wecom:`…). Routing stored before ids were grouped
 * kept each one beside the name (`{name, dingtalk, wecom}`): those deliveries still render the same.
 */
export function platformId(m: Mention, platform: string): string | undefined {
  const id = m.ids?.[platform] ?? (m as unknown as Record<string, unknown>)[platform]
  return typeof id === 'string' && id ? id : undefined
}

/**
 * An unresolved person's name as the mention line shows it: user text like any other (the actor's display name, a
 * commit author's), so neutralised and clipped to the shape's cap, which fit.ts narrows before it drops any fact.
 */
const nameText = (name: string, cap: number): string => userText(name, cap, { any: false })

/**
 * How unresolved names are written: clipped to `cap` bytes each, as the message's format writes user text (`text`,
 * Syntax.text: a name can start the line), joined by `sep` ("、" / ", "; strings.listSep).
 */
export type Names = { cap: number; sep: string; text: (value: string) => string }

/**
 * The mention line: the platform's tokens, space-separated as the robots parse them, then the people known only by
 * name, set apart from each other ("Contractor Wang、Renovate Bot", never "Contractor Wang Renovate Bot").
 */
export function mentionLine(tokens: string[], ps: Person[], names: Names): string {
  const named = ps.filter((p) => p.kind === 'name').map((p) => names.text(nameText(p.value, names.cap)))
  return [...tokens, ...(named.length ? [named.join(names.sep)] : [])].join(' ')
}
