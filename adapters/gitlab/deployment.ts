import type { Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { gitlabPerson, gitlabProject } from './common.js'
import type { Translated } from './pipeline.js'
import { mapStatus, statusFields } from '../common/status.js'

/**
 * Deployment status (https://docs.gitlab.com/user/project/integrations/webhook_events/#deployment-events) → common
 * status. `blocked` waits for an approval or a resource;
 * `approved` lets it go on (so not an outcome yet); `rejected` means it will not run.
 */
const DEPLOYMENT_STATUS: Readonly<Record<string, Status>> = {
  created: 'queued',
  blocked: 'queued',
  approved: 'queued',
  running: 'running',
  success: 'success',
  failed: 'failed',
  canceled: 'canceled',
  rejected: 'skipped',
}

/** Deployment Hook (`lib/gitlab/data_builder/deployment.rb`). */
export function gitlabDeployment(body: Fields): Translated {
  const projectFields = body.obj('project')
  const project = gitlabProject(projectFields)
  const id = body.num('deployment_id')
  const native = body.str('status')
  const status = mapStatus(DEPLOYMENT_STATUS, native)
  const sf = statusFields(status, native)
  const environment = body.optStr('environment')
  const ref = body.optStr('ref')
  const shortSha = body.optStr('short_sha')
  const commitUrl = body.optStr('commit_url')
  // The hook has only short_sha; the full one is the last segment of commit_url.
  const fullSha = commitUrl?.split('/').pop()
  const sha = fullSha && /^[0-9a-f]{40}$/.test(fullSha) && (!shortSha || fullSha.startsWith(shortSha)) ? fullSha : shortSha
  // "2021-04-28 21:50:00 +0200" (Ruby Time#to_s) — the moment the deployment reached this status.
  const changedAt = body.optTime('status_changed_at')
  return {
    key: `${projectFields.optNum('id') ?? project.path}:deployment:${id}:${native}`,
    event: {
      source: 'gitlab',
      kind: 'deploy',
      ...sf,
      project,
      ref,
      sha,
      commit: { title: body.optStr('commit_title'), url: commitUrl },
      actor: gitlabPerson(body.optObj('user')),
      number: id,
      name: environment,
      url: body.optStr('deployable_url') ?? (project.url && `${project.url}/-/environments`),
      started_at: sf.finished ? undefined : changedAt,
      finished_at: sf.finished ? changedAt : undefined,
      environment,
      deployment: { environment, url: body.optStr('environment_external_url'), version: shortSha ?? ref, ref },
    },
  }
}
