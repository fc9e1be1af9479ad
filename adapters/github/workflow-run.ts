import type { ParsedEvent, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { firstLine } from '../common/text.js'
import { githubProject, githubUser } from './common.js'
import { secondsBetween } from '../common/parse-time.js'
import { mapStatus, statusFields } from '../common/status.js'

/** `workflow_run.conclusion` (set once completed) → common status. */
const CONCLUSION: Readonly<Record<string, Status>> = {
  success: 'success',
  failure: 'failed',
  timed_out: 'failed',
  startup_failure: 'failed',
  neutral: 'unstable',
  cancelled: 'canceled',
  skipped: 'skipped',
  stale: 'skipped',
  action_required: 'skipped',
}

/** `workflow_run.status` while there is no conclusion. */
const RUN_STATUS: Readonly<Record<string, Status>> = {
  requested: 'queued',
  queued: 'queued',
  pending: 'queued',
  waiting: 'queued',
  in_progress: 'running',
}

export const WORKFLOW_RUN_ACTIONS = ['requested', 'in_progress', 'completed']

/**
 * workflow_run. Status comes from the run object, not the action: `requested` can already carry
 * `completed/action_required`, and one published example has action `completed` with status `queued`.
 */
export function githubWorkflowRun(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const run = body.obj('workflow_run')
  const repo = body.optObj('repository') ?? run.obj('repository')
  const project = githubProject(repo)
  const native = run.optStr('status') ?? body.str('action')
  const conclusion = run.optStr('conclusion')
  const status = conclusion ? mapStatus(CONCLUSION, conclusion) : mapStatus(RUN_STATUS, native)
  const sf = statusFields(status, conclusion ? `${native}/${conclusion}` : native)
  const sha = run.optStr('head_sha')
  const head = run.optObj('head_commit')
  const author = head?.optObj('author')
  const pr = run.list('pull_requests')[0]
  const started = run.optTime('run_started_at')
  const ended = sf.finished ? run.optTime('updated_at') : undefined
  const branch = run.optStr('head_branch')
  return {
    key: `workflow_run:${run.num('id')}:${run.optNum('run_attempt') ?? 1}:${body.str('action')}`,
    source: 'github',
    kind: 'pipeline',
    ...sf,
    project,
    ref: branch,
    branch,
    sha,
    commit: head && {
      title: firstLine(head.optStr('message')),
      message: head.optStr('message'),
      author: author && { name: author.optStr('name'), email: author.optStr('email') },
      url: project.url && sha ? `${project.url}/commit/${sha}` : undefined,
    },
    actor: githubUser(run.optObj('triggering_actor') ?? run.optObj('actor') ?? body.optObj('sender')),
    number: run.optNum('run_number'),
    attempt: run.optNum('run_attempt'),
    // name can be "" (GitHub sends it for some runs): fall back to the workflow's name, then its file.
    name: run.optStr('name') ?? body.optObj('workflow')?.optStr('name') ?? run.optStr('path'),
    url: run.optStr('html_url'),
    started_at: started,
    finished_at: ended,
    duration_s: secondsBetween(started, ended),
    merge_request: pr && {
      number: pr.optNum('number'),
      url: project.url && pr.has('number') ? `${project.url}/pull/${pr.num('number')}` : undefined,
      source_branch: pr.optObj('head')?.optStr('ref'),
      target_branch: pr.optObj('base')?.optStr('ref'),
    },
  }
}
