import { z } from 'zod'
import { SOURCES, adapters } from '../adapters/index.js'
import { GO_DURATION, parseGoDuration } from '../src/duration.js'
import { KINDS, SourceName, STATUSES } from '../src/event.js'
import { Locale } from '../src/locale.js'
import { platforms, type PlatformName } from '../src/platforms/index.js'
import { SourceDef } from './source-schema.js'

/**
 * The rules file, as ops write it. `.strict()` everywhere: an unknown key is a typo, and a typo must be an error,
 * never a silently disabled rule. `${VAR}` interpolation happens before this schema sees the values.
 */

const oneOrMany = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t).min(1)])
const d = (description: string) => ({ description })

export { Locale }

export const Defaults = z
  .object({
    locale: Locale.default('zh-CN').meta(d('Language of the built-in messages')),
    timezone: z.string().default('Asia/Shanghai').meta(d('IANA time zone for times in messages')),
  })
  .strict()
  .meta(d('Message language and time zone, unless a target sets its own'))

type TargetOf<K extends PlatformName> = z.infer<(typeof platforms)[K]['target']>
/** A target of any registered platform (src/platforms/index.ts), told apart by `type`. */
export type Target = { [K in PlatformName]: TargetOf<K> }[PlatformName]
export type TargetType = Target['type']

type AnyTarget = z.ZodObject<{ type: z.ZodLiteral<string> }>
const targetSchemas = Object.values(platforms).map((p) => p.target) as unknown as [AnyTarget, ...AnyTarget[]]
export const Target = z.discriminatedUnion('type', targetSchemas) as unknown as z.ZodType<Target>

/** Each platform's target schema, by type (for "did you mean" on a target's keys). */
export const targetSchemaOf = (type: string): AnyTarget | undefined =>
  (platforms as Record<string, { target: unknown }>)[type]?.target as AnyTarget | undefined

/** A person's id on each platform (`dingtalk: …`, `wecom: …`): what an @-mention there is written with. */
const platformIds = Object.fromEntries(
  Object.entries(platforms).map(([name, p]) => {
    const id = (p as { personId?: string }).personId ?? 'user id'
    return [name, z.string().optional().meta(d(`The person's ${p.label} ${id}, for @-mentions there`))]
  }),
) as Record<PlatformName, z.ZodOptional<z.ZodString>>

/**
 * The sources a file may name (`source:` in a match, people's ids): the built-in ones and the ids of its own
 * `sources:` (rules/load.ts reads those first and builds the schema for them). `'any'` is the JSON Schema's view:
 * an editor does not know the file's sources, so any source name is allowed there and `check` says the rest.
 */
export type SourceIds = readonly string[] | 'any'

/** A person's user name on each CI source (`gitlab: …`, `buildkite: …`): what a mention of its actor is matched by. */
const sourceIds = (configured: readonly string[]) =>
  Object.fromEntries([
    ...SOURCES.map((name) => [name, z.string().optional().meta(d(`The person's ${adapters[name].label} user name, as its events name people (actor, culprits)`))]),
    ...configured.map((id) => [id, z.string().optional().meta(d(`The person's user name on ${id} (a source of this file)`))]),
  ]) as Record<string, z.ZodOptional<z.ZodString>>

const personEntry = (ids: SourceIds) => {
  const o = z.object({
    name: z.string().min(1),
    ...sourceIds(ids === 'any' ? [] : ids),
    emails: z.array(z.string()).optional().meta(d("Matched against GitLab's public e-mail (a confirmed one), and against commit authors' e-mails only with people_match.commit_emails")),
    mobile: z.string().optional(),
    ...platformIds,
  })
  return ids === 'any' ? o.catchall(z.string().meta(d('The user name on a source defined under sources: (its id)'))) : o.strict()
}

/** A person; the user-name keys of a file's own sources are typed as any other source's. */
export const PersonEntry = personEntry([]) as unknown as z.ZodType<PersonFields & Record<string, unknown>> & { shape: Record<string, unknown> }
type PersonFields = { name: string; emails?: string[]; mobile?: string } & { [K in PlatformName]?: string }
export type PersonEntry = PersonFields & Partial<Record<string, unknown>>

/**
 * What a mention may also be matched by, beyond the CI username and an e-mail the source vouches for (rules/people.ts).
 * Both off by default: a display name and a commit's author e-mail are whatever their writer typed.
 */
export const PeopleMatch = z
  .object({
    names: z.boolean().default(false).meta(d("Also match a CI display name to a person's name (anyone can set a display name; a name two people share matches nobody)")),
    commit_emails: z.boolean().default(false).meta(d("Also match a commit's author e-mail to a person's emails (anyone can write any e-mail into a commit)")),
  })
  .strict()
  .meta(d('Unauthenticated ways to match people, off by default'))
export type PeopleMatch = z.infer<typeof PeopleMatch>

/** A pattern: glob (`*` within a path segment, `**` across), `/regex/` (RE2, rules/re2.ts), a leading `!` negates. */
const Pattern = z
  .string()
  .min(1)
  .meta(d('Glob (`*` within a path segment, `**` across), /regex/ (RE2), or !pattern to exclude'))

/**
 * A Go-style duration (src/duration.ts): `30s`, `5m`, `4h`, `1h30m`, at least `min` (a timer that fires every
 * millisecond would keep the worker from anything else).
 */
const goDuration = (min: string) =>
  z
    .string()
    .regex(GO_DURATION, { message: 'a duration with units, e.g. 30s, 5m, 4h, 1h30m', abort: true })
    .refine((v) => (parseGoDuration(v) ?? 0) >= parseGoDuration(min)!, `must be at least ${min}`)

const sourceName = (ids: SourceIds) =>
  ids === 'any'
    ? z.union([z.enum(SOURCES as [string, ...string[]]), SourceName.meta(d('The id of a source under sources:'))])
    : z.enum([...SOURCES, ...ids] as [string, ...string[]])

const match = (ids: SourceIds) =>
  z
    .object({
      source: oneOrMany(sourceName(ids)),
      kind: oneOrMany(z.enum(KINDS)),
      status: oneOrMany(z.enum(STATUSES)),
      project: oneOrMany(Pattern),
      branch: oneOrMany(Pattern),
      tag: oneOrMany(Pattern),
      ref: oneOrMany(Pattern).meta(d('The branch, the tag, or a deployment\'s ref, whichever the event has')),
      environment: oneOrMany(Pattern),
      name: oneOrMany(Pattern),
      actor: oneOrMany(Pattern),
      transition: oneOrMany(z.enum(['broken', 'fixed', 'still_failing', 'first'])),
      finished: z.boolean().meta(d('true: only events after which nothing more happens to the run')),
    })
    .partial()
    .strict()
export const Match = match([])
export type Match = z.infer<typeof Match>

/** One of Alertmanager's time_intervals entries (prometheus/alertmanager timeinterval): every field given must hold. */
const Ranges = (what: string) => z.array(z.union([z.string(), z.number().int()])).min(1).meta(d(what))
export const TimeInterval = z
  .object({
    times: z
      .array(z.object({ start_time: z.string(), end_time: z.string() }).strict())
      .min(1)
      .optional()
      .meta(d('HH:MM ranges, end excluded; 24:00 ends a day; a start after the end wraps past midnight (22:00 to 08:00)')),
    weekdays: Ranges('monday … sunday, or ranges such as monday:friday (saturday:sunday wraps)').optional(),
    days_of_month: Ranges('1 … 31, or -1 (the last day) … -31, or ranges such as 1:5, -3:-1').optional(),
    months: Ranges('january … december or 1 … 12, or ranges such as 1:3, june:august').optional(),
    years: Ranges('2026, or ranges such as 2026:2027').optional(),
    location: z.string().optional().meta(d('IANA time zone the times and days are read in (Asia/Shanghai, UTC); default defaults.timezone')),
  })
  .strict()
export type TimeInterval = z.infer<typeof TimeInterval>

export const NamedTimeInterval = z
  .object({
    name: z.string().min(1),
    time_intervals: z.array(TimeInterval).min(1).meta(d('Any of these; an empty entry ({}) is all the time')),
  })
  .strict()
export type NamedTimeInterval = z.infer<typeof NamedTimeInterval>

const rule = (ids: SourceIds) =>
  z
    .object({
      name: z.string().min(1),
      match: match(ids).optional().meta(d('Every key must hold; a list is any of; no match = every event')),
      notify: z.array(z.string().min(1)).min(1).meta(d('Target names (keys of targets)')),
      /** Roles (`author`, `actor`, `culprits`), names from `people`, or `all`. */
      mention: z.array(z.string().min(1)).optional().meta(d('author, actor, culprits, all, or names from people')),
      continue: z.boolean().default(false).meta(d('Keep walking the rules after this one matched')),
      /** Overrides the built-in message; Mustache (logic-less), the event's fields are its data. */
      template: z.object({ title: z.string().optional(), body: z.string().optional() }).strict().optional(),
      mute_time_intervals: z.array(z.string().min(1)).min(1).optional().meta(d('Names from time_intervals: while any holds, deliveries are held (or dropped), not sent')),
      active_time_intervals: z.array(z.string().min(1)).min(1).optional().meta(d('Names from time_intervals: outside all of them, deliveries are held (or dropped), not sent')),
      catch_up: z
        .enum(['digest', 'drop'])
        .optional()
        .meta(d('What a time interval held becomes at its end: one digest per target (digest, the default) or nothing (drop)')),
      group_by: z
        .array(z.string().min(1))
        .optional()
        .meta(d('With group_wait: the event fields whose values make one group (project, branch, sha, any event field by its dotted path); absent: one group per target')),
      group_wait: goDuration('1s').optional().meta(d('Hold the first matching event this long (Go-style: 30s, 5m) and send everything that joined its group as one message; absent: no grouping')),
      remind_every: goDuration('1m').optional().meta(d('On a rule for failed runs: while the pipeline stays broken and nothing newer arrives, remind its targets this often (4h, 1h30m)')),
    })
    .strict()
export const Rule = rule([])
export type Rule = z.infer<typeof Rule>

/** The rules file's schema for a file whose `sources:` have these ids (`'any'`: the JSON Schema for editors). */
export const rulesFileSchema = (ids: SourceIds) =>
  z
    .object({
      defaults: Defaults.default({ locale: 'zh-CN', timezone: 'Asia/Shanghai' }),
      targets: z.record(z.string(), Target).meta(d('Group robots, by the name rules use in notify')),
      sources: z.array(SourceDef).default([]).meta(d('CI sources defined without code, each at POST /webhooks/<id> (docs/rules.md, "sources")')),
      people: z.array(personEntry(ids)).default([]).meta(d('Who is who across CI systems and chat, for @-mentions')),
      people_match: PeopleMatch.default({ names: false, commit_emails: false }),
      time_intervals: z.array(NamedTimeInterval).default([]).meta(d("Named times (quiet hours, working hours), in Alertmanager's syntax, for a rule's mute_time_intervals and active_time_intervals")),
      rules: z.array(rule(ids)).default([]).meta(d('Walked top to bottom; the first match stops unless it says continue: true')),
    })
    .strict()
export const RulesFile = rulesFileSchema([])
export type RulesFile = Omit<z.infer<typeof RulesFile>, 'people'> & { people: PersonEntry[] }
