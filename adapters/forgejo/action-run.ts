import type { ParsedEvent, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { secondsBetween } from '../common/parse-time.js'
import { statusFields } from '../common/status.js'
import { giteaProject, giteaUser } from '../gitea/common.js'

/**
 * Forgejo's Action Run events are sent once a run is done (Forgejo v12+), and their `action` is the outcome:
 * `recover` is a success after a failure. Which failures Forgejo reports is its choice; ci-notify's own transitions
 * (broken, fixed, still_failing) are computed from the runs it has seen, as for every source.
 */
export const OUTCOME: Readonly<Record<string, Status>> = { success: 'success', failure: 'failed', recover: 'success' }

/**
 * `ActionPayload` (modules/structs/hook.go: action, run, prior_status) with `run` an `ActionRun`
 * (modules/structs/action.go). There is no top-level repository or sender: both are in the run.
 */
export function forgejoActionRun(body: Fields, action: string): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const run = body.obj('run')
  const project = giteaProject(run.obj('repository'))
  const sha = run.optStr('commit_sha')
  // prettyref is the short name of the ref (a branch, a tag or a pull request's "#12"): not told apart in the payload.
  const ref = run.optStr('prettyref')
  const started = run.optTime('started')
  const ended = run.optTime('stopped')
  return {
    key: `action_run:${run.num('id')}:${action}`,
    source: 'forgejo',
    kind: 'pipeline',
    ...statusFields(OUTCOME[action], run.optStr('status') ? `${action}/${run.optStr('status')}` : action),
    project,
    ref,
    commit: { title: run.optStr('title'), url: project.url && sha ? `${project.url}/commit/${sha}` : undefined },
    sha,
    actor: giteaUser(run.optObj('trigger_user')),
    number: run.optNum('index_in_repo'),
    // workflow_id is the workflow's file name (ci.yml): the only name the payload has.
    name: run.optStr('workflow_id'),
    url: run.optStr('html_url'),
    started_at: started,
    finished_at: ended,
    duration_s: secondsBetween(started, ended),
  }
}
