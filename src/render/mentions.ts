import type { Mention } from '../routing.js'
import { userText } from './user-text.js'

/**
 * Who can be @-mentioned on each platform, in a stable order: people with a platform id or mobile first, then the
 * unresolved ones (written by name only), so shortening drops names before real mentions. Duplicates are removed.
 */
type Person = { token?: string; kind: 'id' | 'mobile' | 'name'; value: string }

function people(ms: Mention[], id: (m: Mention) => string | undefined): Person[] {
  const seen = new Set<string>()
  const out: Person[] = []
  for (const m of ms) {
    const pid = m.resolved ? id(m) : undefined
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
    const key = [m.name, m.dingtalk ?? '', m.wecom ?? '', m.mobile ?? ''].map((s) => `${s.length}:${s}`).join('') + m.resolved
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export const mentionCount = (ms: Mention[], platform: 'dingtalk' | 'wecom'): number =>
  people(ms, (m) => m[platform]).length

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
function mentionLine(tokens: string[], ps: Person[], names: Names): string {
  const named = ps.filter((p) => p.kind === 'name').map((p) => names.text(nameText(p.value, names.cap)))
  return [...tokens, ...(named.length ? [named.join(names.sep)] : [])].join(' ')
}

export type DingTalkAt = { atMobiles: string[]; atUserIds: string[]; isAtAll: boolean }

/**
 * DingTalk: `at` decides who is notified, the `@userId` / `@mobile` token in markdown/actionCard text decides that
 * the mention happens at all (outbound.md §1.3); the userId is preferred. With isAtAll no individual is listed
 * (they would show as raw numbers), and an actionCard needs the `@所有人` token. `text` messages get the `at`
 * object only: DingTalk appends the mention itself.
 */
export function dingtalkMentions(ms: Mention[], all: boolean, keep: number, withTokens: boolean, names: Names): { at: DingTalkAt; line: string } {
  const ps = people(ms, (m) => m.dingtalk).slice(0, keep)
  if (all) return { at: { atMobiles: [], atUserIds: [], isAtAll: true }, line: withTokens ? '@所有人' : '' }
  const at = {
    atMobiles: ps.filter((p) => p.kind === 'mobile').map((p) => p.value),
    atUserIds: ps.filter((p) => p.kind === 'id').map((p) => p.value),
    isAtAll: false,
  }
  const tokens = withTokens ? ps.filter((p) => p.kind !== 'name').map((p) => `@${p.value}`) : []
  return { at, line: mentionLine(tokens, ps, names) }
}

export type WeComMentions = { ids: string[]; mobiles: string[]; all: boolean; line: string }

/**
 * WeCom: markdown takes only inline `<@userid>`; a person known only by mobile, and @all, need the lists of a `text`
 * message (outbound.md §2.3). `line` is what the markdown (or a text body) shows.
 */
export function wecomMentions(ms: Mention[], all: boolean, keep: number, inline: boolean, names: Names): WeComMentions {
  const ps = people(ms, (m) => m.wecom).slice(0, keep)
  const ids = ps.filter((p) => p.kind === 'id').map((p) => p.value)
  const line = mentionLine(inline ? ids.map((id) => `<@${id}>`) : [], ps, names)
  return { ids, mobiles: ps.filter((p) => p.kind === 'mobile').map((p) => p.value), all, line }
}
