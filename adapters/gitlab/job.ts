import type { ParsedEvent, Status } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import type { Fields } from '../common/json-fields.js'
import { GITLAB_STATUS, gitlabPerson, refFields, type GitlabProject } from './common.js'
import { firstLine } from '../common/text.js'
import type { Translated } from './pipeline.js'
import { mapStatus, statusFields } from '../common/status.js'

/** Job Hook, formerly Build Hook (`lib/gitlab/data_builder/build.rb`); `object_kind: "build"`. */
export function gitlabJob(body: Fields): Translated {
  const project = jobProject(body)
  const id = body.num('build_id')
  const native = body.str('build_status')
  const allowFailure = body.optBool('build_allow_failure')
  // A failed job that may fail does not fail its pipeline: it only warns, like "passed with warnings".
  const status: Status = native === 'failed' && allowFailure ? 'unstable' : mapStatus(GITLAB_STATUS, native)
  const url = project.url && `${project.url}/-/jobs/${id}`
  const commit = body.optObj('commit')
  const sha = body.optStr('sha') ?? commit?.optStr('sha')
  const retries = body.optNum('retries_count')
  // *_iso fields (newer GitLab) are unambiguous; the plain ones are "2024-02-12 02:11:07 UTC" or ISO.
  const time = (key: string) => body.optTime(`${key}_iso`) ?? body.optTime(key)
  const duration_s = body.optNum('build_duration')
  const job = {
    name: body.str('build_name'),
    status,
    source_status: native,
    url,
    allow_failure: allowFailure,
    // GitLab sends "unknown_failure" for jobs that did not fail: meaningful only on failure.
    failure_reason: native === 'failed' ? body.optStr('build_failure_reason') : undefined,
    duration_s,
  }
  const environment = body.optObj('environment')?.optStr('name')
  return {
    key: `${body.optNum('project_id') ?? project.path}:job:${id}:${native}`,
    event: {
      source: 'gitlab',
      kind: 'build',
      ...statusFields(status, native),
      project,
      ...refFields(body.optStr('ref'), body.optBool('tag')),
      sha,
      commit: commit && {
        title: firstLine(commit.optStr('message')),
        message: commit.optStr('message'),
        author: { name: commit.optStr('author_name'), email: commit.optStr('author_email') },
        url: project.url && sha ? `${project.url}/-/commit/${sha}` : undefined,
      },
      actor: gitlabPerson(body.optObj('user')),
      number: id,
      attempt: retries === undefined ? undefined : retries + 1,
      name: job.name,
      url,
      started_at: time('build_started_at'),
      finished_at: time('build_finished_at'),
      duration_s,
      queued_s: body.optNum('build_queued_duration'),
      // The job's own stage, so renderers and rules see stage and failure reason as for pipelines.
      stages: [{ name: body.optStr('build_stage') ?? 'unknown', status, duration_s, jobs: [job] }],
      environment,
    },
  }
}

/** `project` exists from GitLab 11.x on; older hooks only have `repository` (path derived from its homepage). */
function jobProject(body: Fields): GitlabProject {
  const project = body.optObj('project')
  const repo = body.optObj('repository')
  const path = project?.optStr('path_with_namespace') ?? pathFromHomepage(repo?.optStr('homepage'))
  if (!path) throw new PayloadError('project.path_with_namespace: missing (and no repository.homepage to derive it from)')
  return {
    name: project?.optStr('name') ?? repo?.optStr('name') ?? path.split('/').pop()!,
    path,
    url: project?.optStr('web_url') ?? repo?.optStr('homepage'),
  }
}

function pathFromHomepage(homepage: string | undefined): string | undefined {
  if (!homepage || !URL.canParse(homepage)) return undefined
  return new URL(homepage).pathname.replace(/^\/+|\/+$/g, '') || undefined
}
