import { z } from 'zod'

/**
 * The common event: the one contract every part after the adapters reads.
 * Adapters build it from a native webhook; rules, rendering and delivery never look at the native payload.
 * Every field a source may lack is optional; times are ISO-8601 UTC strings.
 */

export const KINDS = ['pipeline', 'build', 'deploy'] as const
export const STATUSES = ['queued', 'running', 'success', 'failed', 'unstable', 'canceled', 'skipped', 'manual'] as const
/** Statuses after which nothing more happens to this run. */
export const TERMINAL_STATUSES = ['success', 'failed', 'unstable', 'canceled', 'skipped'] as const

/**
 * A source's name, as its endpoint has it (`POST /webhooks/<name>`). Which sources exist is the registry's
 * (adapters/index.ts: `Source`, `SOURCES`), not this low module's: the event schema only fixes the shape.
 */
export const SourceName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a source name: lower-case letters, digits, - and _')
export const Kind = z.enum(KINDS)
export const Status = z.enum(STATUSES)
export type Kind = z.infer<typeof Kind>
export type Status = z.infer<typeof Status>

const str = z.string()
const opt = <T extends z.ZodTypeAny>(t: T) => t.optional()

export const Person = z.object({
  name: opt(str),
  username: opt(str),
  email: opt(str),
})
export type Person = z.infer<typeof Person>

export const Job = z.object({
  name: str,
  status: Status,
  source_status: opt(str),
  url: opt(str),
  allow_failure: opt(z.boolean()),
  failure_reason: opt(str),
  duration_s: opt(z.number()),
})
export type Job = z.infer<typeof Job>

export const Stage = z.object({
  name: str,
  status: Status,
  duration_s: opt(z.number()),
  jobs: z.array(Job),
})
export type Stage = z.infer<typeof Stage>

/**
 * How much of a run's stages and jobs an event stores (adapters/common/bound-stages.ts); the rest is only counted, in
 * `omitted`. A message shows at most a few dozen lines of either, and a stored event must not grow past its body
 * (bench/README.md, "Figures behind the comments"). Failed jobs are kept first. A job's link is derived
 * from the project URL only when that URL is at most `link_base` characters (the renderer drops longer links anyway):
 * otherwise one long URL repeated per job would multiply the body.
 */
export const STAGE_LIMITS = { stages: 100, jobs: 200, failed_jobs: 100, link_base: 2048 } as const

/** What the event does not list, by count: stages, jobs (failed ones included) and, of those, failed jobs. */
export const Omitted = z.object({ stages: z.number(), jobs: z.number(), failed_jobs: z.number() })
export type Omitted = z.infer<typeof Omitted>

export const CommonEvent = z.object({
  /** Ours: assigned when the event is accepted. */
  id: str,
  source: SourceName,
  kind: Kind,
  status: Status,
  /** The native status value(s), verbatim, e.g. "success / passed with warnings", "FINALIZED/FAILURE". */
  source_status: str,
  /** True when the status is terminal (nothing more will happen to this run). */
  finished: z.boolean(),

  project: z.object({
    name: str,
    /** Path with namespace, e.g. `group/sub/app`; for Jenkins the job path (`folder/job`). */
    path: str,
    url: opt(str),
  }),
  /** The ref as the source gives it (branch or tag name). */
  ref: opt(str),
  branch: opt(str),
  tag: opt(str),
  sha: opt(str),
  commit: opt(
    z.object({
      title: opt(str),
      message: opt(str),
      author: opt(Person),
      url: opt(str),
    }),
  ),

  /** Who triggered the run. */
  actor: opt(Person),
  /** Jenkins culprits: user ids of committers since the last good build. */
  culprits: opt(z.array(str)),
  /** Pipeline id / build number / run number. */
  number: opt(z.number()),
  /** Attempt (GitHub run_attempt, GitLab retries_count + 1). */
  attempt: opt(z.number()),
  /** Workflow / pipeline / job name. */
  name: opt(str),
  /** The link a human clicks. */
  url: opt(str),

  started_at: opt(str),
  finished_at: opt(str),
  duration_s: opt(z.number()),
  queued_s: opt(z.number()),

  stages: opt(z.array(Stage)),
  /** Present when `stages` lists less than the run had (STAGE_LIMITS): how many stages and jobs were left out. */
  omitted: opt(Omitted),

  environment: opt(str),
  deployment: opt(
    z.object({
      environment: opt(str),
      url: opt(str),
      version: opt(str),
      ref: opt(str),
    }),
  ),
  merge_request: opt(
    z.object({
      number: opt(z.number()),
      /** How the source writes the change's number (GitLab `!42`); without it, `#<number>` (GitHub, Gitea). */
      reference: opt(str),
      title: opt(str),
      url: opt(str),
      source_branch: opt(str),
      target_branch: opt(str),
    }),
  ),

  /** The source's idempotency key (or one we derive from ids when it sends none). */
  delivery_id: str,
  received_at: str,
})
export type CommonEvent = z.infer<typeof CommonEvent>

/** What an adapter returns before the server assigns `id` and `received_at`. */
export type ParsedEvent = Omit<CommonEvent, 'id' | 'received_at'>

export const isTerminal = (s: Status): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s)
