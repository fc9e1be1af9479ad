import { formatFor, localTime, type LocalTime } from './local-time.js'
import type { Path } from './locate.js'
import type { Problem } from './problems.js'
import type { NamedTimeInterval, TimeInterval } from './schema.js'
import { didYouMean } from './suggest.js'

/** A named time interval, ready to test moments against (Alertmanager's semantics, see docs/noise-control.md). */
export type CompiledInterval = {
  name: string
  contains(ms: number): boolean
  /** The next moment after `ms` at which `contains` may change: a start or end time, or a local midnight. */
  nextBoundary(ms: number): number
}

type Span = [number, number]
type Entry = { zone: string; times?: Span[]; weekdays?: Span[]; days?: Span[]; months?: Span[]; years?: Span[]; breaks: number[] }

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/**
 * Compiles the file's `time_intervals`; every problem (a bad time, an unknown weekday, a range backwards, an unknown
 * time zone, a name used twice) is pushed with its path (the file then fails to load; the name is still known, so a
 * rule naming it is not reported too).
 */
export function compileIntervals(list: NamedTimeInterval[], defaultZone: string, problems: Problem[]): Map<string, CompiledInterval> {
  const out = new Map<string, CompiledInterval>()
  list.forEach((n, i) => {
    const base: Path = ['time_intervals', i]
    if (out.has(n.name)) problems.push({ path: [...base, 'name'], message: `duplicate time interval name "${n.name}"` })
    const before = problems.length
    const entries = n.time_intervals.map((t, j) => entry(t, defaultZone, [...base, 'time_intervals', j], problems))
    if (problems.length > before) return out.set(n.name, { name: n.name, contains: () => false, nextBoundary: (ms) => ms + 86_400_000 })
    out.set(n.name, {
      name: n.name,
      contains: (ms) => entries.some((e) => holds(e, localTime(ms, e.zone))),
      nextBoundary: (ms) => Math.min(...entries.map((e) => nextBreak(e, ms))),
    })
  })
  return out
}

/** Problems for rule names that are not intervals of the file, with a did-you-mean. */
export function checkIntervalNames(names: string[] | undefined, known: Map<string, CompiledInterval>, path: Path, problems: Problem[]): CompiledInterval[] {
  return (names ?? []).flatMap((name, j) => {
    const c = known.get(name)
    if (c) return [c]
    const all = [...known.keys()]
    problems.push({ path: [...path, j], message: `unknown time interval "${name}"${didYouMean(name, all) || `; time_intervals are ${all.join(', ') || '(none)'}`}` })
    return []
  })
}

function holds(e: Entry, t: LocalTime): boolean {
  const within = (spans: Span[] | undefined, v: number) => !spans || spans.some(([a, b]) => (a <= b ? a <= v && v <= b : v >= a || v <= b))
  if (e.times && !e.times.some(([a, b]) => (a < b ? a <= t.minute && t.minute < b : t.minute >= a || t.minute < b))) return false
  if (!within(e.weekdays, t.weekday) || !within(e.months, t.month) || !within(e.years, t.year)) return false
  // Negative days count from the month's end (-1 the last day), so they are resolved per month.
  const day = (v: number) => (v < 0 ? t.daysInMonth + 1 + v : v)
  return !e.days || e.days.some(([a, b]) => day(a) <= t.day && t.day <= day(b))
}

/**
 * The next local start/end time or midnight after `ms`. Counted in minutes from `ms`, then corrected by what the wall
 * clock reads there: across a DST change the count is an hour off. (A time the change skips lands just after it.)
 */
function nextBreak(e: Entry, ms: number): number {
  const t = localTime(ms, e.zone)
  const next = e.breaks.find((b) => b > t.minute) ?? 1440
  const guess = ms - t.minute * 60_000 - t.msIntoMinute + next * 60_000
  const off = (((localTime(guess, e.zone).minute - (next % 1440)) % 1440) + 2160) % 1440 - 720
  return off > 0 && guess - off * 60_000 > ms ? guess - off * 60_000 : guess
}

function entry(t: TimeInterval, zone: string, path: Path, problems: Problem[]): Entry {
  const e: Entry = { zone: t.location ?? zone, breaks: [] }
  if (t.location !== undefined) {
    try {
      formatFor(t.location)
    } catch {
      problems.push({ path: [...path, 'location'], message: `unknown time zone "${t.location}": give an IANA name such as Asia/Shanghai, Europe/Berlin or UTC` })
    }
  }
  if (t.times) {
    e.times = t.times.flatMap((r, k): Span[] => {
      const at = [...path, 'times', k]
      const a = clock(r.start_time, false, [...at, 'start_time'], problems)
      const b = clock(r.end_time, true, [...at, 'end_time'], problems)
      if (a === undefined || b === undefined) return []
      if (a === b % 1440) {
        problems.push({ path: [...at, 'end_time'], message: `end_time ${r.end_time} equals start_time: an empty range (00:00 to 24:00 is the whole day)` })
        return []
      }
      return [[a, b]]
    })
    e.breaks = [...new Set(e.times.flat().map((m) => m % 1440))].sort((x, y) => x - y)
  }
  e.weekdays = ranges(t.weekdays, [...path, 'weekdays'], problems, { names: DAY_NAMES, first: 0, min: 0, max: 6, wraps: true, what: 'weekday (monday … sunday)' })
  e.days = ranges(t.days_of_month, [...path, 'days_of_month'], problems, { min: -31, max: 31, what: 'day of the month (1 … 31, or -1 … -31 from the end)' })
  e.months = ranges(t.months, [...path, 'months'], problems, { names: MONTH_NAMES, first: 1, min: 1, max: 12, what: 'month (january … december, or 1 … 12)' })
  e.years = ranges(t.years, [...path, 'years'], problems, { min: 1, max: 9999, what: 'year (2026)' })
  return e
}

/** "HH:MM" → minute of the day; 24:00 only as an end. */
function clock(s: string, end: boolean, path: Path, problems: Problem[]): number | undefined {
  const m = /^(\d\d):(\d\d)$/.exec(s)
  const v = m ? Number(m[1]) * 60 + Number(m[2]) : NaN
  if (!m || Number(m[2]) > 59 || v > 1440 || (v === 1440 && !end)) {
    problems.push({ path, message: `"${s}" is not a time of day: write HH:MM from 00:00 to 23:59${end ? ' (or 24:00 for the end of the day)' : ''}` })
    return undefined
  }
  return v
}

type RangeSpec = { names?: string[]; first?: number; min: number; max: number; wraps?: boolean; what: string }

/** `["monday:friday", "sunday"]`, `[1, "-3:-1"]` → spans; a value out of range or a range backwards is a problem. */
function ranges(raw: Array<string | number> | undefined, path: Path, problems: Problem[], o: RangeSpec): Span[] | undefined {
  if (!raw) return undefined
  const one = (s: string, k: number): number | undefined => {
    const lower = s.trim().toLowerCase()
    const named = o.names?.indexOf(lower) ?? -1
    const v = named >= 0 ? named + (o.first ?? 0) : /^-?\d+$/.test(lower) ? Number(lower) : NaN
    if (Number.isInteger(v) && v >= o.min && v <= o.max && !(o.min < 0 && v === 0)) return v
    const hint = o.names ? didYouMean(lower, o.names) : ''
    problems.push({ path: [...path, k], message: `"${s}" is not a ${o.what}${hint}` })
    return undefined
  }
  return raw.flatMap((item, k): Span[] => {
    const parts = String(item).split(':')
    if (parts.length > 2) {
      problems.push({ path: [...path, k], message: `"${item}" is not a ${o.what} nor a range START:END` })
      return []
    }
    const a = one(parts[0], k)
    const b = parts.length === 2 ? one(parts[1], k) : a
    if (a === undefined || b === undefined) return []
    // Days of the month of one sign must run forwards; 1:-1 (the whole month) mixes signs and is resolved per month.
    if (a > b && !o.wraps && Math.sign(a) === Math.sign(b)) {
      problems.push({ path: [...path, k], message: `range "${item}" runs backwards: write the earlier end first` })
      return []
    }
    return [[a, b]]
  })
}
