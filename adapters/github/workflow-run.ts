import type { ParsedEvent, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { firstLine } from '../common/text.js'
import { githubProject, githubUser } from './common.js'
import { actionsRun } from '../common/actions-run.js'

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
 * workflow_run, read by actionsRun where it is shaped as Gitea's: `requested` can already carry
 * `completed/action_required`, and one published example has action `completed` with status `queued`.
 */
export function githubWorkflowRun(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const run = body.obj('workflow_run')
  const repo = body.optObj('repository') ?? run.obj('repository')
  const project = githubProject(repo)
  const common = actionsRun(body, run, { conclusion: CONCLUSION, status: RUN_STATUS }, { started: 'run_started_at', ended: 'updated_at' })
  const sha = common.sha
  const head = run.optObj('head_commit')
  const author = head?.optObj('author')
  const pr = run.list('pull_requests')[0]
  return {
    ...common,
    source: 'github',
    project,
    commit: head && {
      title: firstLine(head.optStr('message')),
      message: head.optStr('message'),
      author: author && { name: author.optStr('name'), email: author.optStr('email') },
      url: project.url && sha ? `${project.url}/commit/${sha}` : undefined,
    },
    actor: githubUser(run.optObj('triggering_actor') ?? run.optObj('actor') ?? body.optObj('sender')),
    // name can be "" (GitHub sends it for some runs): fall back to the workflow's name, then its file.
    name: run.optStr('name') ?? body.optObj('workflow')?.optStr('name') ?? run.optStr('path'),
    merge_request: pr && {
      number: pr.optNum('number'),
      url: project.url && pr.has('number') ? `${project.url}/pull/${pr.num('number')}` : undefined,
      source_branch: pr.optObj('head')?.optStr('ref'),
      target_branch: pr.optObj('base')?.optStr('ref'),
    },
  }
}
