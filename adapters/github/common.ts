import type { Person } from '../../src/event.js'
import type { Fields } from '../common/json-fields.js'

/** The repository every GitHub webhook carries: full_name is the identity. */
export function githubProject(repo: Fields) {
  const path = repo.str('full_name')
  return { name: repo.optStr('name') ?? path.split('/').pop()!, path, url: repo.optStr('html_url') }
}

/** A GitHub user object: only the login is reliable (no name; email only on commits). */
export function githubUser(user: Fields | undefined): Person | undefined {
  const login = user?.optStr('login')
  return login ? { username: login } : undefined
}
