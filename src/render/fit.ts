import type { Content } from './content.js'
import { fullShape, LINKS, type Shape } from './shape.js'

type Fits = (s: Shape) => boolean

/** The largest n in [0, max] with fits(at(n)), assuming fitting is monotone in n; 0 when none fits. */
function largest(max: number, fits: (n: number) => boolean): number {
  let lo = 0
  let hi = max
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}

type Step = (s: Shape, fits: Fits) => Shape

const items =
  (id: string): Step =>
  (s, fits) => {
    const at = (n: number): Shape => ({ ...s, items: { ...s.items, [id]: n } })
    return at(largest(s.items[id] ?? 0, (n) => fits(at(n))))
  }
const set =
  (patch: Partial<Shape>): Step =>
  (s) => ({ ...s, ...patch, cap: Math.min(s.cap, patch.cap ?? s.cap), commitCap: Math.min(s.commitCap, patch.commitCap ?? s.commitCap) })
const body: Step = (s, fits) => {
  const at = (n: number): Shape => ({ ...s, bodyCap: n })
  return at(largest(s.bodyCap, (n) => fits(at(n))))
}
const drop =
  (id: string): Step =>
  (s) => ({ ...s, dropped: [...s.dropped, id] })
const urls =
  (max: number): Step =>
  (s, fits) => {
    const at = (n: number): Shape => ({ ...s, urlCap: n })
    return at(largest(max, (n) => fits(at(n))))
  }
/**
 * A link longer than `floor` characters gives way before any fact does: it is shortened as far as `floor` (its
 * origin and path prefix) while every fact stays. Below that, facts go first, and the link is shortened further or
 * dropped only at the end (see steps).
 */
const urlsDownTo =
  (floor: number): Step =>
  (s, fits) => {
    if (s.urlCap <= floor) return s
    const at = (n: number): Shape => ({ ...s, urlCap: n })
    if (!fits(at(floor))) return at(floor)
    return at(floor + largest(s.urlCap - floor, (k) => fits(at(floor + k))))
  }

const mentions: Step = (s, fits) => {
  const at = (n: number): Shape => ({ ...s, mentions: n })
  return at(largest(s.mentions, (n) => fits(at(n))))
}
/**
 * Links shortened (short-url.ts: origin and path prefix) when that is enough; else as many mentions as fit beside
 * the shortest links, and then the links as long as those mentions leave room for: a person is notified before a
 * link is kept whole.
 */
const urlsThenMentions: Step = (s, fits) => {
  const shorter = urls(s.urlCap)(s, fits)
  if (fits(shorter)) return shorter
  return urls(s.urlCap)(mentions(shorter, fits), fits)
}

/**
 * The shortening order, least important first: any link longer than 256 characters, a 512-byte cap on any one
 * piece of user text, the failed-job list, the commit title, the stage list, a template body, all user text, then
 * whole facts by their `keep` rank, then link lengths and mentions, the project, and at the very end the links
 * themselves. The heading (with the keyword)
 * is never shortened.
 */
function steps(c: Content): Step[] {
  const facts = c.blocks.flatMap((b) => (b.kind === 'fact' && b.id !== 'project' ? [b] : []))
  const byKeep = [...facts].sort((a, b) => a.keep - b.keep).map((f) => drop(f.id))
  return [
    // A link of kilobytes (a 2 KB pipeline URL in a 2048-byte WeCom text) would otherwise cost every list and fact.
    urlsDownTo(256),
    // Nobody reads more than 512 bytes of one name or title; cutting that first spares the lists.
    set({ cap: 512, commitCap: 512 }),
    items('jobs'),
    set({ commitCap: 256 }),
    items('stages'),
    body,
    set({ cap: 256 }),
    set({ commitCap: 64 }),
    set({ cap: 64 }),
    drop('jobs'),
    drop('stages'),
    ...byKeep,
    set({ cap: 24, commitCap: 24 }),
    // Links shortened further only now, then dropped last: no event is refused for its size unless the heading and
    // keyword alone are too big.
    urlsThenMentions,
    drop('project'),
    drop(LINKS),
  ]
}

/**
 * The fullest rendering of `c` that `fits`. Throws when even the bare heading and keyword do not fit, which only a
 * keyword of several kilobytes can cause (a template title is clipped to 256 bytes): better no message than one the
 * robot rejects.
 */
export function fit<M>(
  c: Content,
  mentionCount: number,
  render: (s: Shape) => M,
  fits: (m: M) => boolean,
  start: Partial<Shape> = {},
): M {
  let shape = { ...fullShape(c, mentionCount), ...start }
  let out = render(shape)
  if (fits(out)) return out
  const ok: Fits = (s) => fits(render(s))
  for (const step of steps(c)) {
    shape = step(shape, ok)
    out = render(shape)
    if (fits(out)) return out
  }
  throw new Error('message does not fit the platform limit even when shortened to its heading')
}
