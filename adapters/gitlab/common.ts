import type { Person, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'

/** GitLab pipeline and job status vocabulary (`Ci::HasStatus`) → common status. */
export const GITLAB_STATUS: Readonly<Record<string, Status>> = {
  created: 'queued',
  waiting_for_resource: 'queued',
  preparing: 'queued',
  waiting_for_callback: 'queued',
  pending: 'queued',
  scheduled: 'queued',
  running: 'running',
  canceling: 'running',
  success: 'success',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped',
  manual: 'manual',
}

/** A GitLab `user` object. Emails of users without a public email come as "[REDACTED]": dropped. */
export function gitlabPerson(user: Fields | undefined): Person | undefined {
  if (!user) return undefined
  const email = user.optStr('email')
  const p: Person = { name: user.optStr('name'), username: user.optStr('username'), email: email === '[REDACTED]' ? undefined : email }
  return p.name || p.username || p.email ? p : undefined
}

/** Branch or tag, from the hook's `ref` and `tag` flag. */
export function refFields(ref: string | undefined, tag: boolean | undefined) {
  if (!ref) return {}
  return tag ? { ref, tag: ref } : { ref, branch: ref }
}

export type GitlabProject = { name: string; path: string; url?: string }

/** `project` as sent by `hook_attrs`: path_with_namespace is the identity; name falls back to the last path segment. */
export function gitlabProject(project: Fields): GitlabProject {
  const path = project.str('path_with_namespace')
  return { name: project.optStr('name') ?? path.split('/').pop()!, path, url: project.optStr('web_url') }
}
