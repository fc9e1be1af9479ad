import type { Person, Status } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'

/**
 * Gitea's Actions vocabulary (services/convert ToActionsStatus, modelled on GitHub's): a run or job is `queued`,
 * `waiting`, `in_progress` or `completed`; once completed, `conclusion` is `success`, `failure` or `cancelled`, and
 * empty for the other done states (skipped). Gitea swaps two names against its own model ("Blocked => Waiting,
 * Waiting => Queued", go-gitea/gitea#33694); both read as queued here.
 */
export const CONCLUSION: Readonly<Record<string, Status>> = {
  success: 'success',
  failure: 'failed',
  cancelled: 'canceled',
  skipped: 'skipped',
}

export const RUN_STATUS: Readonly<Record<string, Status>> = {
  requested: 'queued',
  queued: 'queued',
  waiting: 'queued',
  pending: 'queued',
  in_progress: 'running',
  // completed without a conclusion: a done state Gitea does not name (a skipped run or job).
  completed: 'skipped',
}

/** A Gitea/Forgejo `Repository` (modules/structs/repo.go): full_name is the identity. */
export function giteaProject(repo: Fields) {
  const path = repo.str('full_name')
  return { name: repo.optStr('name') ?? path.split('/').pop()!, path, url: repo.optStr('html_url') }
}

/**
 * A Gitea/Forgejo `User` (modules/structs/user.go): the login, and the full name when set. Its e-mail is not one the
 * forge vouches for to others (it may be the user's "keep private" placeholder), so it is left out.
 */
export function giteaUser(user: Fields | undefined): Person | undefined {
  const login = user?.optStr('login') ?? user?.optStr('username')
  return login ? { username: login, name: user?.optStr('full_name') } : undefined
}
