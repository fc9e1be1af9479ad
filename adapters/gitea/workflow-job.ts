import type { Job, ParsedEvent } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { secondsBetween } from '../common/parse-time.js'
import { mapStatus, statusFields } from '../common/status.js'
import { CONCLUSION, RUN_STATUS, giteaProject, giteaUser } from './common.js'

const statusOf = (o: Fields) => {
  const native = o.optStr('status')
  const conclusion = o.optStr('conclusion')
  return { native: conclusion ? `${native}/${conclusion}` : (native ?? 'unknown'), status: conclusion ? mapStatus(CONCLUSION, conclusion) : mapStatus(RUN_STATUS, native) }
}

/**
 * workflow_job (`WorkflowJobPayload`, modules/structs/hook.go: action, workflow_job, pull_request?, repository,
 * sender). The job's steps are listed as the jobs of one stage named for the job, so a message can say which step
 * failed, as it says which job failed in a pipeline.
 */
export function giteaWorkflowJob(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const job = body.obj('workflow_job')
  const project = giteaProject(body.obj('repository'))
  const { native, status } = statusOf(job)
  const sf = statusFields(status, native)
  const sha = job.optStr('head_sha')
  const branch = job.optStr('head_branch')
  const started = job.optTime('started_at')
  const ended = sf.finished ? job.optTime('completed_at') : undefined
  const duration_s = secondsBetween(started, ended)
  const steps: Job[] = job.list('steps').map((step) => {
    const s = statusOf(step)
    return { name: step.str('name'), status: s.status, source_status: s.native, duration_s: secondsBetween(step.optTime('started_at'), step.optTime('completed_at')) }
  })
  const name = job.str('name')
  return {
    key: `workflow_job:${job.num('id')}:${job.optNum('run_attempt') ?? 1}:${body.str('action')}`,
    source: 'gitea',
    kind: 'build',
    ...sf,
    project,
    ref: branch,
    branch,
    sha,
    commit: project.url && sha ? { url: `${project.url}/commit/${sha}` } : undefined,
    actor: giteaUser(body.optObj('sender')),
    number: job.optNum('id'),
    attempt: job.optNum('run_attempt'),
    name,
    url: job.optStr('html_url'),
    started_at: started,
    finished_at: ended,
    duration_s,
    queued_s: secondsBetween(job.optTime('created_at'), started),
    stages: steps.length > 0 ? [{ name, status, duration_s, jobs: steps }] : undefined,
  }
}
