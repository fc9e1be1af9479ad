import { STAGE_LIMITS, type Job, type Omitted, type Stage } from '../../src/event.js'

type Limits = { stages: number; jobs: number; failed_jobs: number }
type Bounded = { stages: Stage[]; omitted?: Omitted }

const isFailed = (j: Job) => j.status === 'failed'

/**
 * The stages an event stores: at most `limits.stages` stages holding at most `limits.jobs` jobs, of which at most
 * `limits.failed_jobs` failed ones; what is left out is counted in `omitted` (absent when nothing is). Invariants:
 * - what a message is about is kept first: stages holding a failed job before the others, failed jobs before the rest;
 * - order is kept: the stages and each stage's jobs come in the order given;
 * - a stage's status and duration stay as computed from all its jobs, listed or not;
 * - one pass over the jobs per step: linear in stages + jobs.
 */
export function boundStages(stages: Stage[], limits: Limits = STAGE_LIMITS): Bounded {
  let jobs = 0
  let failed = 0
  for (const s of stages) {
    jobs += s.jobs.length
    for (const j of s.jobs) if (isFailed(j)) failed++
  }
  if (stages.length <= limits.stages && jobs <= limits.jobs && failed <= limits.failed_jobs) return { stages }

  const keep = pickStages(stages, limits.stages)
  // jobs are told apart by identity: an adapter builds one object per job
  const chosen = new Set<Job>()
  const maxFailed = Math.min(limits.failed_jobs, limits.jobs)
  for (const s of keep) for (const j of s.jobs) if (chosen.size < maxFailed && isFailed(j)) chosen.add(j)
  const keptFailed = chosen.size
  for (const s of keep) for (const j of s.jobs) if (chosen.size < limits.jobs && !isFailed(j)) chosen.add(j)
  return {
    stages: keep.map((s) => ({ ...s, jobs: s.jobs.filter((j) => chosen.has(j)) })),
    omitted: { stages: stages.length - keep.length, jobs: jobs - chosen.size, failed_jobs: failed - keptFailed },
  }
}

/** Up to `max` stages, those holding a failed job first, returned in their original order. */
function pickStages(stages: Stage[], max: number): Stage[] {
  if (stages.length <= max) return stages
  const chosen = new Set<Stage>()
  for (const s of stages) if (chosen.size < max && s.jobs.some(isFailed)) chosen.add(s)
  for (const s of stages) if (chosen.size < max) chosen.add(s)
  return stages.filter((s) => chosen.has(s))
}
