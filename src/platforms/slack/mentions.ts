import type { Mention } from '../../routing.js'
import { mentionLine, people, type Names, type Person } from '../../render/mentions.js'

// A member id as Slack writes it (U… and, on Enterprise Grid, W…): nothing else goes between `<@` and `>`.
const MEMBER_ID = /^[UW][A-Z0-9]+$/

/**
 * Who a Slack message can mention: people with a member id (a person's `slack:`); an incoming webhook cannot
 * mention by mobile or e-mail, and an id that is not a member id would break the markup, so everyone else is
 * written by name. Ids first, then names, repeats removed.
 */
export function slackPeople(ms: Mention[]): Person[] {
  const usable = (m: Mention) => MEMBER_ID.test(m.ids?.slack ?? '')
  return people(
    ms.map((m) => ({ ...m, mobile: undefined, ids: usable(m) ? m.ids : { ...m.ids, slack: '' } })),
    'slack',
  )
}

/**
 * The mention line: `<@U…>` for each of the first `keep` people with an id, the rest by name; for everyone,
 * `<!channel>` alone. `<!channel>` and not `<!here>`: like DingTalk's isAtAll and Feishu's `all`, "everyone" means
 * every member of the channel, and a broken build at night is for the people who are away too (`<!here>` reaches
 * only those active now). Ids come from the rules' people, never from CI data, and CI text cannot write `<`
 * (src/render/escape.ts), so it cannot add a mention.
 */
export function slackMentionLine(ms: Mention[], all: boolean, keep: number, names: Names): string {
  if (all) return '<!channel>'
  const ps = slackPeople(ms).slice(0, keep)
  const tokens = ps.filter((p) => p.kind === 'id').map((p) => `<@${p.value}>`)
  return mentionLine(tokens, ps, names)
}
