import { formatPath, type Path } from '../../rules/locate.js'
import type { Problem } from '../../rules/problems.js'
import { schemaProblems } from '../../rules/schema-problems.js'
import { Match } from '../../rules/schema.js'
import { didYouMean } from '../../rules/suggest.js'
import { parseGoDuration } from '../duration.js'
import { PayloadError } from '../errors.js'
import type { Silence } from '../silence.js'
import { compileSilence } from './matcher.js'

export const MAX_COMMENT = 1000
export const MAX_CREATED_BY = 200
const KEYS = ['matchers', 'targets', 'ends_at', 'duration', 'comment', 'created_by', 'catch_up']
const MATCH_KEYS = Object.keys(Match.shape)

/**
 * A `POST /api/silences` body → a silence starting `now`. Throws PayloadError naming the field and how to fix it:
 * an unknown key, a matcher the rules file would refuse (same schema, same compiler), no matcher at all (a silence
 * must say what it mutes, as Alertmanager requires), an unknown target, an end that is not in the future, both or
 * neither of ends_at and duration, a comment or author missing or too long.
 */
export function parseSilence(body: unknown, o: { now: number; id: string; targets: string[] }): Silence {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PayloadError('the body must be a JSON object: {"matchers": {…}, "duration": "2h", "comment": "…", "created_by": "…"}')
  const b = body as Record<string, unknown>
  const unknown = Object.keys(b).find((k) => !KEYS.includes(k))
  if (unknown !== undefined) throw new PayloadError(`unknown field "${unknown.slice(0, 40)}"${didYouMean(unknown, KEYS) || `; the fields are ${KEYS.join(', ')}`}`)

  const matchers = parseMatchers(b.matchers)
  const targets = parseTargets(b.targets, o.targets)
  const ends_at = parseEnd(b.ends_at, b.duration, o.now)
  const comment = text(b.comment, 'comment', MAX_COMMENT, 'why the silence is there, e.g. "runner pool being replaced"')
  const created_by = text(b.created_by, 'created_by', MAX_CREATED_BY, 'who set it, e.g. a name or an e-mail')
  if (b.catch_up !== undefined && typeof b.catch_up !== 'boolean') throw new PayloadError('catch_up must be true (one digest of what was held, when the silence ends) or false (the default: drop it)')
  const s: Silence = { id: o.id, matchers, starts_at: o.now, ends_at, comment, created_by, catch_up: b.catch_up === true, created_at: o.now }
  if (targets) s.targets = targets
  return s
}

function parseMatchers(raw: unknown): Record<string, unknown> {
  const example = '{"project": "group/app", "branch": ["main", "release/*"]}'
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PayloadError(`matchers must be an object with the keys of a rule's match, e.g. ${example}`)
  const m = raw as Record<string, unknown>
  if (Object.keys(m).length === 0) throw new PayloadError(`matchers must have at least one key (a silence says what it mutes; "project": "**" mutes everything), e.g. ${example}`)
  const unknown = Object.keys(m).find((k) => !MATCH_KEYS.includes(k))
  if (unknown !== undefined) {
    throw new PayloadError(`matchers.${unknown.slice(0, 40)}: unknown match key${didYouMean(unknown, MATCH_KEYS) || ''}; the keys are ${MATCH_KEYS.join(', ')}`)
  }
  const parsed = Match.safeParse(m)
  if (!parsed.success) throw problem(schemaProblems(parsed.error.issues, m)[0] ?? { path: [], message: 'not a valid match block' }, ['matchers'])
  const problems: Problem[] = []
  compileSilence({ id: '', matchers: m, starts_at: 0, ends_at: 0, comment: '', created_by: '', catch_up: false, created_at: 0 }, problems)
  if (problems.length) throw problem(problems[0], [])
  return m
}

function parseTargets(raw: unknown, known: string[]): string[] | undefined {
  if (raw === undefined) return undefined
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((t) => typeof t !== 'string')) {
    throw new PayloadError('targets must be a non-empty list of target names from the rules file, or absent for every target')
  }
  raw.forEach((t: string, i) => {
    if (!known.includes(t)) throw new PayloadError(`targets[${i}]: no target "${t.slice(0, 100)}" in the rules file${didYouMean(t, known) || `; the targets are ${known.join(', ')}`}`)
  })
  return [...new Set(raw as string[])]
}

function parseEnd(endsAt: unknown, duration: unknown, now: number): number {
  if ((endsAt === undefined) === (duration === undefined)) throw new PayloadError('give exactly one of ends_at (an ISO time, e.g. "2026-12-04T18:00:00Z") or duration (e.g. "2h", "90m", "1h30m")')
  if (duration !== undefined) {
    const ms = typeof duration === 'string' ? parseGoDuration(duration) : undefined
    if (ms === undefined) throw new PayloadError(`duration must be a positive duration with units, e.g. "30m", "2h", "1h30m"; got ${JSON.stringify(duration).slice(0, 40)}`)
    return now + ms
  }
  const at = typeof endsAt === 'string' && /^\d{4}-\d\d-\d\dT/.test(endsAt) ? Date.parse(endsAt) : NaN
  if (!Number.isFinite(at)) throw new PayloadError(`ends_at must be an ISO time with a zone, e.g. "2026-12-04T18:00:00Z"; got ${JSON.stringify(endsAt).slice(0, 40)}`)
  if (at <= now) throw new PayloadError(`ends_at ${String(endsAt)} is not in the future (now is ${new Date(now).toISOString()}); give a later time, or a duration`)
  return at
}

function text(raw: unknown, field: string, max: number, what: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new PayloadError(`${field} is required: ${what}`)
  if ([...raw].length > max) throw new PayloadError(`${field} is too long (${[...raw].length} characters, at most ${max}); shorten it`)
  return raw
}

function problem(p: Problem, base: Path): PayloadError {
  const path = formatPath([...base, ...p.path, ...(p.key === undefined ? [] : [p.key])])
  return new PayloadError(`${path}: ${p.message}`)
}
