import type { Gradual } from './gradual.js'

/** Events in the first probe of a part: a stretch long enough to tell the size of a line from. */
const FIRST_PROBE = 64

/**
 * The most events from `start` on that fit one message (at least one: an event that does not fit alone is shortened
 * by fit()). `load(end)` is the size over the limit of the part [start, end), monotone in `end`. Each event adds about
 * one line, so the load grows nearly in proportion: after a first stretch of FIRST_PROBE events, each probe goes where
 * the straight line through the known loads around the limit reaches it, or halfway when the last two probes did not
 * halve the bracket. A part of a few hundred events takes four or five renderings, most of them near its final length
 * (doubling, then halving, took about fifteen). While nothing is known not to fit, a probe that fit yet left more
 * than half the room there was makes the next one go at least twice as far: long lines first and short ones after
 * cannot make it creep.
 */
export function* longestFit(n: number, start: number, load: (end: number) => number): Gradual<number> {
  const one = start + 1
  if (n <= one) return one
  const first = Math.min(n, start + FIRST_PROBE)
  const firstLoad = load(first)
  yield
  if (firstLoad <= 1 && first === n) return n
  const oneLoad = load(one)
  if (oneLoad > 1) return one
  // lo fits; hi is the fewest events known not to (n + 1 while none is known)
  let [lo, loLoad] = firstLoad <= 1 ? [first, firstLoad] : [one, oneLoad]
  let [hi, hiLoad] = firstLoad <= 1 ? [n + 1, Infinity] : [first, firstLoad]
  const widths = [hi - lo]
  let creeping = 0 // how far the last probe went, when it fit but left more than half the room
  while (hi - lo > 1) {
    let at: number
    if (hi > n) at = Math.max(lo + 2 * creeping, loLoad > oneLoad ? lo + ((1 - loLoad) * (lo - one)) / (loLoad - oneLoad) : 2 * lo - start)
    else if (widths.length >= 3 && hi - lo > widths[widths.length - 3] / 2) at = (lo + hi) / 2
    else at = lo + ((1 - loLoad) * (hi - lo)) / (hiLoad - loLoad)
    const probe = Math.min(hi - 1, Math.max(lo + 1, Math.floor(at)))
    const l = load(probe)
    yield
    creeping = l <= 1 && 1 - l > (1 - loLoad) / 2 ? probe - lo : 0
    if (l <= 1) [lo, loLoad] = [probe, l]
    else [hi, hiLoad] = [probe, l]
    widths.push(hi - lo)
  }
  return lo
}
