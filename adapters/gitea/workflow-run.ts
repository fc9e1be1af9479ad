import type { ParsedEvent } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { actionsRun } from '../common/actions-run.js'
import { CONCLUSION, RUN_STATUS, giteaProject, giteaUser } from './common.js'

/**
 * workflow_run (`WorkflowRunPayload`, modules/structs/hook.go: action, workflow, workflow_run, pull_request?,
 * repository, sender); what it shares with GitHub's is read by actionsRun (a re-run reports `requested` on a run
 * that was completed before: go-gitea/gitea#35703).
 */
export function giteaWorkflowRun(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const run = body.obj('workflow_run')
  const project = giteaProject(body.obj('repository'))
  const common = actionsRun(body, run, { conclusion: CONCLUSION, status: RUN_STATUS }, { started: 'started_at', ended: 'completed_at' })
  const sha = common.sha
  const pr = body.optObj('pull_request')
  return {
    ...common,
    source: 'gitea',
    project,
    // display_title is the run's title as the Actions page shows it: the head commit's (or the pull request's) title.
    commit: { title: run.optStr('display_title'), url: project.url && sha ? `${project.url}/commit/${sha}` : undefined },
    actor: giteaUser(body.optObj('sender')),
    name: body.optObj('workflow')?.optStr('name') ?? run.optStr('path'),
    merge_request: pr && {
      number: pr.optNum('number'),
      title: pr.optStr('title'),
      url: pr.optStr('html_url'),
      source_branch: pr.optObj('head')?.optStr('ref'),
      target_branch: pr.optObj('base')?.optStr('ref'),
    },
  }
}
