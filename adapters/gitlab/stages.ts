import { STAGE_LIMITS, type Job, type Stage, type Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { secondsBetween } from '../common/parse-time.js'
import { GITLAB_STATUS } from './common.js'
import { mapStatus } from '../common/status.js'

type Build = { id: number; stage: string; job: Job; started?: string; finished?: string }

/**
 * Stages of a pipeline from its `builds[]` (the latest job of each name), grouped by stage and ordered as
 * `object_attributes.stages` lists them; stages that appear only in builds come last. Linear in builds + stages (one
 * map from stage name to its builds): a hook may list 16 000 builds each in its own stage.
 */
export function gitlabStages(builds: Fields[], order: string[], webUrl: string | undefined): Stage[] {
  // a job link repeats the project URL once per job: only from a URL short enough to be a link (STAGE_LIMITS)
  const base = webUrl && webUrl.length <= STAGE_LIMITS.link_base ? webUrl : undefined
  const byStage = new Map<string, Build[]>(order.map((name) => [name, []]))
  for (const b of builds.map((x) => readBuild(x, base)).sort((x, y) => x.id - y.id)) {
    const mine = byStage.get(b.stage)
    if (mine) mine.push(b)
    else byStage.set(b.stage, [b])
  }
  return [...byStage].flatMap(([name, mine]) => (mine.length ? [toStage(name, mine)] : []))
}

function toStage(name: string, mine: Build[]): Stage {
  const starts = mine.map((b) => b.started).filter((t): t is string => !!t).sort()
  const ends = mine.map((b) => b.finished).filter((t): t is string => !!t).sort()
  const duration_s = mine.every((b) => b.finished) ? secondsBetween(starts[0], ends[ends.length - 1]) : undefined
  return { name, status: stageStatus(mine.map((b) => b.job)), duration_s, jobs: mine.map((b) => b.job) }
}

function readBuild(b: Fields, webUrl: string | undefined): Build {
  const id = b.num('id')
  const native = b.str('status')
  const status = mapStatus(GITLAB_STATUS, native)
  const job: Job = {
    name: b.str('name'),
    status,
    source_status: native,
    url: webUrl ? `${webUrl}/-/jobs/${id}` : undefined,
    allow_failure: b.optBool('allow_failure'),
    // GitLab fills failure_reason only for failed jobs here; the check keeps a stray value off other jobs.
    failure_reason: status === 'failed' ? b.optStr('failure_reason') : undefined,
    duration_s: b.optNum('duration'),
  }
  return { id, stage: b.optStr('stage') ?? 'unknown', job, started: b.optTime('started_at'), finished: b.optTime('finished_at') }
}

/**
 * A stage's status from its jobs, after GitLab's composite status (`Gitlab::Ci::Status::Composite`), simplified: a
 * failed job that is allowed to fail only warns.
 */
export function stageStatus(jobs: Job[]): Status {
  const s = jobs.map((j) => (j.status === 'failed' && j.allow_failure ? 'unstable' : j.status))
  const only = (...allowed: Status[]) => s.every((x) => allowed.includes(x))
  const any = (x: Status) => s.includes(x)
  if (only('skipped')) return 'skipped'
  if (only('success', 'skipped', 'unstable')) return any('unstable') ? 'unstable' : 'success'
  if (only('queued', 'skipped')) return 'queued'
  if (any('running') || any('queued')) return 'running'
  if (any('manual')) return 'manual'
  if (any('failed')) return 'failed'
  if (any('canceled')) return 'canceled'
  return 'running'
}
