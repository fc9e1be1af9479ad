import type { ParsedEvent, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { githubProject, githubUser } from './common.js'
import { secondsBetween } from '../common/parse-time.js'
import { mapStatus, statusFields } from '../common/status.js'

/** `deployment_status.state` → common status; `inactive` (superseded by a newer deployment) is the caller's. */
const STATE: Readonly<Record<string, Status>> = {
  pending: 'queued',
  queued: 'queued',
  waiting: 'queued',
  in_progress: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
}

/** deployment_status (action `created`; GHES examples omit the action). */
export function githubDeploymentStatus(body: Fields): Omit<ParsedEvent, 'delivery_id'> & { key: string } {
  const ds = body.obj('deployment_status')
  const dep = body.obj('deployment')
  const project = githubProject(body.obj('repository'))
  const native = ds.str('state')
  const sf = statusFields(mapStatus(STATE, native), native)
  const environment = ds.optStr('environment') ?? dep.optStr('environment')
  const sha = dep.optStr('sha')
  const ref = dep.optStr('ref')
  const started = dep.optTime('created_at')
  const ended = sf.finished ? ds.optTime('created_at') : undefined
  const run = body.optObj('workflow_run')
  return {
    key: `deployment_status:${ds.num('id')}`,
    source: 'github',
    kind: 'deploy',
    ...sf,
    project,
    ref,
    sha,
    commit: project.url && sha ? { url: `${project.url}/commit/${sha}` } : undefined,
    // Who asked for it: for a deployment made by an Actions job, the run's (re-)runner; the deployment and status
    // creators are then bots (github-pages[bot]).
    actor: githubUser(
      run?.optObj('triggering_actor') ?? run?.optObj('actor') ?? dep.optObj('creator') ?? ds.optObj('creator') ?? body.optObj('sender'),
    ),
    number: dep.optNum('id'),
    name: run?.optStr('name') ?? body.optObj('workflow')?.optStr('name') ?? environment,
    url: ds.optStr('log_url') ?? ds.optStr('target_url') ?? (project.url && `${project.url}/deployments`),
    started_at: started,
    finished_at: ended,
    duration_s: secondsBetween(started, ended),
    environment,
    deployment: { environment, url: ds.optStr('environment_url'), version: sha?.slice(0, 8) ?? ref, ref },
  }
}
