import type { ParsedEvent } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'
import { GITLAB_STATUS, gitlabPerson, gitlabProject, refFields } from './common.js'
import { firstLine } from '../common/text.js'
import { gitlabStages } from './stages.js'
import { mapStatus, statusFields } from '../common/status.js'

export type Translated = { event: Omit<ParsedEvent, 'delivery_id'>; key: string }

/** Pipeline Hook (`lib/gitlab/data_builder/pipeline.rb`). */
export function gitlabPipeline(body: Fields): Translated {
  const oa = body.obj('object_attributes')
  const projectFields = body.obj('project')
  const project = gitlabProject(projectFields)
  const id = oa.num('id')
  const native = oa.str('status')
  const detailed = oa.optStr('detailed_status')
  // "passed with warnings": the pipeline succeeded but an allow_failure job failed.
  const status = native === 'success' && detailed === 'passed with warnings' ? 'unstable' : mapStatus(GITLAB_STATUS, native)
  const commit = body.optObj('commit')
  const author = commit?.optObj('author')
  const mr = body.optObj('merge_request')
  const mrIid = mr?.optNum('iid')
  const stages = gitlabStages(body.list('builds'), oa.strList('stages'), project.url)
  return {
    // Without GitLab's own ids (before 14.8): a retried pipeline reaching the same status again is a new event, told
    // apart by its finish time.
    key: `${projectFields.optNum('id') ?? project.path}:pipeline:${id}:${native}:${oa.optStr('finished_at') ?? ''}`,
    event: {
      source: 'gitlab',
      kind: 'pipeline',
      ...statusFields(status, detailed && detailed !== native ? `${native} / ${detailed}` : native),
      project,
      ...refFields(oa.optStr('ref'), oa.optBool('tag')),
      sha: oa.optStr('sha'),
      commit: commit && {
        title: commit.optStr('title') ?? firstLine(commit.optStr('message')),
        message: commit.optStr('message'),
        author: author && { name: author.optStr('name'), email: author.optStr('email') },
        url: commit.optStr('url'),
      },
      actor: gitlabPerson(body.optObj('user')),
      number: id,
      name: oa.optStr('name'),
      url: oa.optStr('url') ?? (project.url && `${project.url}/-/pipelines/${id}`),
      // Pipeline hooks carry no start time; created_at is when the pipeline began (queue included).
      started_at: oa.optTime('created_at'),
      finished_at: oa.optTime('finished_at'),
      duration_s: oa.optNum('duration'),
      queued_s: oa.optNum('queued_duration'),
      stages: stages.length > 0 ? stages : undefined,
      merge_request: mr && {
        number: mrIid,
        reference: mrIid !== undefined ? `!${mrIid}` : undefined,
        title: mr.optStr('title'),
        url: mr.optStr('url'),
        source_branch: mr.optStr('source_branch'),
        target_branch: mr.optStr('target_branch'),
      },
    },
  }
}
