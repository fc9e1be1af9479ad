import type { Status } from '../event.js'
import type { Mention } from '../routing.js'
import type { Content, Seg, Tone } from './content.js'
import { detailsUrl, TONES } from './content.js'
import { fit } from './fit.js'
import { longestFit } from './longest-fit.js'
import { MARKS, strings } from './i18n.js'
import { distinctMentions, mentionCount } from './mentions.js'
import type { Gradual } from './gradual.js'
import { fullShape, type Shape } from './shape.js'
import type { Composer } from './composer.js'
import type { RenderInput, RobotMessage } from './types.js'

// One digest line names its event in a few words; long names are clipped so any one line always fits.
const LINE_CAP = 64
export const START: Partial<Shape> = { cap: LINE_CAP, commitCap: LINE_CAP }

const BADGES = { fixed: '🎉', broken: '💥', still_failing: '🔁' } as const

/** One event in a line: mark and badge, project (linked), branch or tag (environment for deploys), number. */
export function line(input: RenderInput): Seg[] {
  const e = input.event
  const tr = input.transition && input.transition !== 'first' ? BADGES[input.transition] : ''
  const where = e.kind === 'deploy' ? (e.deployment?.environment ?? e.environment ?? e.ref) : (e.tag ?? e.branch ?? e.ref)
  return [
    { text: `${MARKS[e.status]}${tr} ` },
    { text: e.project.path, user: true, url: detailsUrl(e), showUrl: true },
    ...(where ? [{ text: ' · ' }, { text: where, user: true }] : []),
    ...(e.number !== undefined ? [{ text: ` · #${e.number}` }] : []),
  ]
}

const WORST: Status[] = ['failed', 'unstable', 'manual', 'canceled', 'running', 'queued', 'skipped', 'success']
export const tone = (inputs: RenderInput[]): Tone =>
  TONES[WORST.find((s) => inputs.some((i) => i.event.status === s)) ?? 'success']

type Lines = Map<RenderInput, Seg[]>

function content(inputs: RenderInput[], lines: Lines, title: string): Content {
  const t = strings[inputs[0].locale]
  const items = inputs.map((i) => lines.get(i)!)
  return { tone: tone(inputs), headline: title, subject: [], blocks: [{ kind: 'list', id: 'events', heading: '', items }], t }
}

/** One message's worth of events; `load` is its rendering's size over the platform's limit (it fits at ≤ 1). */
type Part = { c: Content; count: number; render: (s: Shape) => RobotMessage[]; load: (m: RobotMessage[]) => number }

const fits = (p: Part) => (m: RobotMessage[]) => p.load(m) <= 1

function part(composer: Composer, inputs: RenderInput[], lines: Lines, title: string): Part {
  const c = content(inputs, lines, title)
  // Hundreds of events mostly mention the same few people: each render then walks only the distinct ones.
  const mentions: Mention[] = distinctMentions(inputs.flatMap((i) => i.route.mentions))
  const all = inputs.some((i) => i.route.all)
  // A digest has no single link (each line links its event): a platform whose card needs one writes its markdown.
  const render = composer.compose(c, { target: inputs[0].target, mentions, all })
  return { c, count: mentionCount(mentions, composer.platform), render, load: composer.load }
}

/**
 * Many waiting events for one target in as few messages as the limits allow: "12 条构建通知", one line per event
 * (mark, project, branch or tag — environment for deploys —, number, link) and the union of their mentions. Split
 * only when one message cannot hold them all; every event is in exactly one message, in order.
 */
export function* digest(inputs: RenderInput[], composer: Composer): Gradual<RobotMessage[]> {
  if (!inputs.length) return []
  const t = strings[inputs[0].locale]
  const lines: Lines = new Map(inputs.map((i) => [i, line(i)]))
  // Pack against the longest title any part can get, so the real (shorter or equal) titles fit too.
  const widest = t.digestTitle(inputs.length) + t.part(inputs.length, inputs.length)
  const chunks: RenderInput[][] = []
  for (let start = 0; start < inputs.length; ) {
    const end = yield* longestFit(inputs.length, start, (e) => {
      const p = part(composer, inputs.slice(start, e), lines, widest)
      return p.load(p.render({ ...fullShape(p.c, p.count), ...START }))
    })
    chunks.push(inputs.slice(start, end))
    start = end
  }
  const messages: RobotMessage[] = []
  for (const [i, chunk] of chunks.entries()) {
    yield
    const title = t.digestTitle(chunk.length) + (chunks.length > 1 ? t.part(i + 1, chunks.length) : '')
    const p = part(composer, chunk, lines, title)
    messages.push(...fit(p.c, p.count, p.render, fits(p), START))
  }
  return messages
}
