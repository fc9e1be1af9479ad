import type { ParsedEvent } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { secondsBetween } from '../common/parse-time.js'
import { mapStatus, statusFields } from '../common/status.js'
import { CONCLUSION, RUN_STATUS, giteaProject, giteaUser } from './common.js'

/**
 * workflow_run (`WorkflowRunPayload`, modules/structs/hook.go: action, workflow, workflow_run, pull_request?,
 * repository, sender). Status comes from the run object, not the action: a re-run reports `requested` on a run that
 * was completed before (go-gitea/gitea#35703).
 */
export function giteaWorkflowRun(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const run = body.obj('workflow_run')
  const project = giteaProject(body.obj('repository'))
  const native = run.optStr('status') ?? body.str('action')
  const conclusion = run.optStr('conclusion')
  const status = conclusion ? mapStatus(CONCLUSION, conclusion) : mapStatus(RUN_STATUS, native)
  const sf = statusFields(status, conclusion ? `${native}/${conclusion}` : native)
  const sha = run.optStr('head_sha')
  const branch = run.optStr('head_branch')
  const started = run.optTime('started_at')
  const ended = sf.finished ? run.optTime('completed_at') : undefined
  const pr = body.optObj('pull_request')
  return {
    key: `workflow_run:${run.num('id')}:${run.optNum('run_attempt') ?? 1}:${body.str('action')}`,
    source: 'gitea',
    kind: 'pipeline',
    ...sf,
    project,
    ref: branch,
    branch,
    sha,
    // display_title is the run's title as the Actions page shows it: the head commit's (or the pull request's) title.
    commit: { title: run.optStr('display_title'), url: project.url && sha ? `${project.url}/commit/${sha}` : undefined },
    actor: giteaUser(body.optObj('sender')),
    number: run.optNum('run_number'),
    attempt: run.optNum('run_attempt'),
    name: body.optObj('workflow')?.optStr('name') ?? run.optStr('path'),
    url: run.optStr('html_url'),
    started_at: started,
    finished_at: ended,
    duration_s: secondsBetween(started, ended),
    merge_request: pr && {
      number: pr.optNum('number'),
      title: pr.optStr('title'),
      url: pr.optStr('html_url'),
      source_branch: pr.optObj('head')?.optStr('ref'),
      target_branch: pr.optObj('base')?.optStr('ref'),
    },
  }
}
