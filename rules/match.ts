import type { CommonEvent } from '../src/event.js'
import { compilePattern, MAX_VALUE, type Pattern } from './glob.js'
import type { Path } from './locate.js'
import type { Problem } from './problems.js'
import type { Match } from './schema.js'
import type { Transition } from '../src/routing.js'
import { vouchesActorEmail } from './people.js'

const one = (v: string | undefined): string[] => (v === undefined ? [] : [v])
const isSha = (ref: string, e: CommonEvent) => ref === e.sha || /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref)

/**
 * The branch `branch:` sees. A deployment's ref counts as its branch unless the source says it is a tag: GitLab's
 * Deployment Hook and GitHub's deployment_status send a bare ref (branch, tag, or for GitHub a commit SHA) and say not
 * which, so `branch: "release/*"` would otherwise never match a release deploy. A ref that is the commit SHA is no
 * branch. The event itself keeps the ref unqualified (its message says 引用 / Ref, not 分支).
 */
function branchOf(e: CommonEvent): string | undefined {
  if (e.branch !== undefined || e.kind !== 'deploy' || e.tag !== undefined) return e.branch
  const ref = e.ref ?? e.deployment?.ref
  return ref === undefined || isSha(ref, e) ? undefined : ref
}

/** The values a pattern key is matched against; a missing field (no branch on a tag build) never matches. */
const fields = {
  project: (e: CommonEvent) => [e.project.path],
  branch: (e: CommonEvent) => one(branchOf(e)),
  tag: (e: CommonEvent) => one(e.tag),
  // whatever names the ref: the branch, the tag, or a deployment's ref, whatever the source knows it to be
  ref: (e: CommonEvent) => [...new Set([e.branch, e.tag, e.ref, e.deployment?.ref].filter((v): v is string => v !== undefined))],
  environment: (e: CommonEvent) => {
    const env = e.environment ?? e.deployment?.environment
    return env === undefined ? [] : [env]
  },
  name: (e: CommonEvent) => (e.name === undefined ? [] : [e.name]),
  // Whoever triggered it, only by what the source vouches for (see people.ts): a display name is whatever anyone
  // types, so `actor: renovate-bot` must not match a stranger who calls themselves that.
  actor: (e: CommonEvent) =>
    [e.actor?.username, vouchesActorEmail(e.source) ? e.actor?.email : undefined].filter((v): v is string => !!v),
} satisfies Partial<Record<keyof Match, (e: CommonEvent) => string[]>>

type Field = keyof typeof fields

/** The pattern keys of `match` (project, branch, tag, ref, environment, name, actor). */
export const PATTERN_FIELDS = Object.keys(fields) as Field[]

/** A pattern key's values for an event, read exactly as `match` reads them (rules/group-key.ts groups by them). */
export const patternValues = (key: Field, e: CommonEvent): string[] => fields[key](e)
/** A field's slot in MatchInput.values: an array slot reads faster than a property named at run time. */
const SLOT = Object.fromEntries(Object.keys(fields).map((k, i) => [k, i])) as Record<Field, number>

/**
 * What a condition sees: the event and its transition (null when not finished, or older than the stored state).
 * `values` keeps each pattern field's values once read (by SLOT), so a thousand rules on `project` read it once.
 */
export type MatchInput = { event: CommonEvent; transition: Transition | null; values: (string[] | undefined)[] }

export const matchInput = (event: CommonEvent, transition: Transition | null): MatchInput => ({ event, transition, values: [] })

/**
 * One key of a rule's `match`, compiled. `why` says, for `ci-notify test`, why it did not hold. `keyed`: the test reads
 * nothing but the event's source, kind, status and finished and the transition, so its result is the same for every
 * event with the same key (see rule-index.ts, which decides these once per key).
 */
export type Condition = { key: keyof Match; keyed: boolean; test: (m: MatchInput) => boolean; why: (m: MatchInput) => string }

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v])
const quoted = (v: unknown) => JSON.stringify(v)
const oneOf = (want: readonly string[]) => (want.length === 1 ? `is not ${want[0]}` : `is not one of ${want.join(', ')}`)

/**
 * Compiles one `match` block. Problems (a bad regular expression) are pushed with their path; the rule is still
 * compiled so every other problem in the file is found in the same run.
 */
export function compileMatch(match: Match | undefined, path: Path, problems: Problem[]): Condition[] {
  const conditions: Condition[] = []
  if (!match) return conditions
  for (const [k, v] of Object.entries(match)) {
    const key = k as keyof Match
    if (v === undefined) continue
    if (key === 'finished') {
      conditions.push({ key, keyed: true, test: (m) => m.event.finished === v, why: (m) => `finished: the event is ${m.event.finished ? '' : 'not '}finished` })
    } else if (key === 'transition') {
      const want = list(v as Transition | Transition[])
      const set = new Set<string>(want)
      conditions.push({
        key,
        keyed: true,
        test: (m) => m.transition !== null && set.has(m.transition),
        why: (m) =>
          m.transition === null
            ? `transition: none (${m.event.finished ? 'older than the last finished run, or a status without transition' : 'the event is not finished'})`
            : `transition: ${quoted(m.transition)} ${oneOf(want)}`,
      })
    } else if (key === 'source' || key === 'kind' || key === 'status') {
      const want = list(v as string | string[])
      const set = new Set(want)
      conditions.push({
        key,
        keyed: true,
        test: (m) => set.has(m.event[key]),
        why: (m) => `${key}: ${quoted(m.event[key])} ${oneOf(want)}`,
      })
    } else {
      conditions.push(patternCondition(key, list(v as string | string[]), [...path, key], problems))
    }
  }
  return conditions
}

/**
 * Positive patterns are any-of; `!` patterns exclude: `[main, "release/*"]` is either, `"!sandbox/**"` is anything
 * but sandbox, and `["group/**", "!group/tmp/**"]` is group without its tmp.
 */
function patternCondition(key: Field, sources: string[], path: Path, problems: Problem[]): Condition {
  const include: Pattern[] = []
  const exclude: Pattern[] = []
  sources.forEach((s, i) => {
    const negated = s.startsWith('!')
    try {
      ;(negated ? exclude : include).push(compilePattern(negated ? s.slice(1) : s))
    } catch (err) {
      problems.push({ path: sources.length > 1 ? [...path, i] : path, message: `${quoted(s)} is not a regular expression RE2 can run: ${(err as Error).message}` })
    }
  })
  const get = fields[key]
  const slot = SLOT[key]
  const valuesOf = (m: MatchInput): string[] => (m.values[slot] ??= get(m.event))
  return {
    key,
    keyed: false,
    test: (m) => {
      const values = valuesOf(m)
      return values.length > 0 && (include.length === 0 || anyMatch(values, include)) && !excluded(values, exclude)
    },
    why: (m) => {
      const values = valuesOf(m)
      if (values.length === 0) return `${key}: the event has no ${key}`
      const shown = values.map(quoted).join(' / ')
      const hit = exclude.find((p) => values.some((x) => x.length > MAX_VALUE || p.test(x)))
      return hit ? `${key}: ${shown} matches !${hit.source}` : `${key}: ${shown} ${oneOf(include.map((p) => p.source))}`
    },
  }
}

/** An exclusion holds for a value too long for any pattern to read: fail closed, never let a padded name through. */
function excluded(values: string[], exclude: Pattern[]): boolean {
  if (exclude.length === 0) return false
  for (let i = 0; i < values.length; i++) if (values[i].length > MAX_VALUE) return true
  return anyMatch(values, exclude)
}

/** Plain loops: this runs for every candidate rule of every event, and closures per call showed in the profile. */
function anyMatch(values: string[], patterns: Pattern[]): boolean {
  for (let i = 0; i < values.length; i++) for (let j = 0; j < patterns.length; j++) if (patterns[j].test(values[i])) return true
  return false
}
