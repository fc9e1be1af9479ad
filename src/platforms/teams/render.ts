import { utf8Length } from '../../render/bytes.js'
import type { Composer } from '../../render/composer.js'
import type { Content, Tone } from '../../render/content.js'
import { layout, shownUrl } from '../../render/layout.js'
import { mentionCount } from '../../render/mentions.js'
import { rendererOf } from '../../render/renderer.js'
import type { Shape } from '../../render/shape.js'
import type { Syntax } from '../../render/syntax.js'
import type { RobotMessage } from '../../render/types.js'
import type { Mention } from '../../routing.js'
import { teamsMentions, type Entity } from './mentions.js'
import { noCardFunctions, teamsText } from './text.js'

/**
 * "The message size limit is 28 KB" (add-incoming-webhook, Workflows), the JSON as posted. Senders found posts
 * near it failing (26 KB through Workflows), and a Workflows trigger answers 202 even then, the run failing out of
 * sight: we stay at 24,000 bytes.
 */
export const TEAMS_BODY_LIMIT = 24_000

/** The body's size over what we send Teams: it fits at ≤ 1. */
export const teamsLoad = (m: RobotMessage): number => utf8Length(JSON.stringify(m)) / TEAMS_BODY_LIMIT

export const ADAPTIVE = 'application/vnd.microsoft.card.adaptive'
// 1.4: what Teams renders everywhere ("MS Teams currently supports only up to version 1.4", Flux's notifier); a card
// above the client's version shows as its fallback text only.
export const CARD_VERSION = '1.4'

// TextBlock colours (Adaptive Cards 1.4 `color`).
const COLORS: Record<Tone, string> = { good: 'Good', bad: 'Attention', warn: 'Warning', info: 'Accent', muted: 'Default' }

// Layout's parts and lines, marked with control characters no text that reaches the layout holds (escape.ts turns
// them into spaces in CI text), then cut into card elements: facts into a FactSet, list items into a markdown list.
const FACT = '\u0001'
const VALUE = '\u0002'
const SECTION = '\u0003'
const GAP = '\u0004'
const ITEM = '- '

const cardSyntax: Syntax = {
  text: teamsText,
  heading: () => '', // the card's first TextBlock, coloured
  fact: (label, value) => `${FACT}${label}${VALUE}${value}`,
  section: (heading) => `${SECTION}${heading}`,
  item: (value) => `${ITEM}${value}`,
  link: (label, url) => `[${label}](${url})`,
  details: () => undefined, // the card's Action.OpenUrl
  gap: GAP,
}

type Element = { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Medium'; color?: string } | { type: 'FactSet'; facts: { title: string; value: string }[] }

const block = (text: string, o: Partial<Element> = {}): Element => ({ type: 'TextBlock', text: noCardFunctions(text), wrap: true, ...o }) as Element

/**
 * One part of the layout as card elements. In a TextBlock a line break needs a blank line, except between list items
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format, "Newlines for
 * Adaptive Cards").
 */
function elements(part: string): Element[] {
  const lines = part.split('\n')
  if (lines.every((l) => l.startsWith(FACT))) {
    const facts = lines.map((l) => l.slice(1).split(VALUE)).map(([title, value]) => ({ title, value: noCardFunctions(value ?? '') }))
    return [{ type: 'FactSet', facts }]
  }
  const out: Element[] = []
  let run: string[] = []
  let listed = false
  const flush = () => {
    if (run.length) out.push(block(run.join(listed ? '\n' : '\n\n')))
    run = []
  }
  for (const line of lines) {
    if (line.startsWith(SECTION)) {
      flush()
      out.push(block(line.slice(1), { weight: 'Bolder' }))
      continue
    }
    const item = line.startsWith(ITEM)
    if (item !== listed) flush()
    listed = item
    run.push(line)
  }
  flush()
  return out
}

type Opts = { mentions: Mention[]; all: boolean }

/**
 * One Teams post for `c` at `shape`: the `message` envelope the Workflows template loops over, holding one Adaptive
 * Card: the headline, the facts as a FactSet, lists, the mentions line with its entities, and the details link as
 * an Action.OpenUrl. No `contentUrl: null`: a trigger whose schema types it as a string refuses the null.
 * `all` writes nothing: Teams has no @channel for a webhook's post (index.ts).
 */
export function teamsMessage(c: Content, shape: Shape, o: Opts): RobotMessage {
  const m = teamsMentions(o.mentions, shape.mentions, { cap: shape.cap, sep: c.t.listSep, text: teamsText })
  const text = layout(c, shape, cardSyntax, { mentionLine: m.line, mentionCount: mentionCount(o.mentions, 'teams') })
  const url = shownUrl(c.link?.url, shape, { any: false })
  const body = [block(c.headline, { weight: 'Bolder', size: 'Medium', color: COLORS[c.tone] }), ...text.split(GAP).filter(Boolean).flatMap(elements)]
  const msteams: { width: 'Full'; entities?: Entity[] } = { width: 'Full', ...(m.entities.length ? { entities: m.entities } : {}) }
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: CARD_VERSION,
    body,
    ...(c.link && url ? { actions: [{ type: 'Action.OpenUrl', title: c.t.label.details, url }] } : {}),
    msteams,
  }
  return { type: 'message', attachments: [{ contentType: ADAPTIVE, content: card }] }
}

/** Teams writes one card per message. */
const composer: Composer = {
  platform: 'teams',
  compose(c, o) {
    const opts: Opts = { mentions: o.mentions, all: o.all }
    return (s) => [teamsMessage(c, s, opts)]
  },
  valueText: () => teamsText,
  load: (ms) => Math.max(0, ...ms.map(teamsLoad)),
}

export const teams = rendererOf(composer)

type Card = { body: Element[]; actions?: { title: string; url: string }[]; msteams: { entities?: Entity[] } }

/**
 * What a person reads of a Teams card, for the docs' gallery: its TextBlocks, facts as "title: value", a mention
 * backed by an entity as `@Name`, the action as a link.
 */
export function showTeams(m: RobotMessage): string {
  const card = (m as { attachments: { content: Card }[] }).attachments[0].content
  const backed = new Set((card.msteams.entities ?? []).map((e) => e.text))
  const at = (s: string) => s.replace(/<at>[^<]*<\/at>/g, (tag) => (backed.has(tag) ? `@${tag.slice(4, -5)}` : tag))
  const lines = card.body.map((e) => at(e.type === 'FactSet' ? e.facts.map((f) => `${f.title}: ${f.value}`).join('\n') : e.text))
  return [...lines, ...(card.actions ?? []).map((a) => `[${a.title}](${a.url})`)].join('\n')
}
