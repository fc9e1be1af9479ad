import { type Source } from '../../adapters/index.js'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'

export const SECRETS = { gitlab: 'gl-token-3f9a1c77', jenkins: 'jk-token-77bd0e21', github: 'gh-secret-c0ffee42' } as const

export const fixture = (source: Source, name: string): string => readFileSync(`test/fixtures/${source}/${name}`, 'utf8')

export const githubSignature = (body: string | Uint8Array, secret: string): string =>
  'sha256=' + createHmac('sha256', secret).update(body).digest('hex')

export type Req = { path: string; init: RequestInit & { headers: Record<string, string> } }

let seq = 0
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`

/** A GitLab Pipeline Hook as GitLab 17 sends it (token header, Idempotency-Key). */
export function gitlabReq(o: { body?: string; token?: string | null; key?: string; event?: string } = {}): Req {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitlab-event': o.event ?? 'Pipeline Hook',
    'idempotency-key': o.key ?? uuid(),
  }
  if (o.token !== null) headers['x-gitlab-token'] = o.token ?? SECRETS.gitlab
  return { path: '/webhooks/gitlab', init: { method: 'POST', headers, body: o.body ?? fixture('gitlab', 'pipeline-failed-adapted.json') } }
}

/** A Jenkins Notification plugin post: JSON, the token in `?token=` (or Basic when `basic` is given). */
export function jenkinsReq(o: { body?: string; token?: string | null; basic?: string } = {}): Req {
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' }
  if (o.basic !== undefined) headers.authorization = 'Basic ' + Buffer.from(o.basic).toString('base64')
  const token = o.token === undefined ? SECRETS.jenkins : o.token
  const path = token === null ? '/webhooks/jenkins' : `/webhooks/jenkins?token=${encodeURIComponent(token)}`
  return { path, init: { method: 'POST', headers, body: o.body ?? fixture('jenkins', 'finalized-failure-adapted.json') } }
}

/** A GitHub workflow_run delivery, signed with X-Hub-Signature-256 unless `signature` says otherwise. */
export function githubReq(o: { body?: string; secret?: string; signature?: string | null; delivery?: string; event?: string } = {}): Req {
  const body = o.body ?? fixture('github', 'workflow_run-completed-failure-adapted.json')
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': o.event ?? 'workflow_run',
    'x-github-delivery': o.delivery ?? uuid(),
  }
  const signature = o.signature === undefined ? githubSignature(body, o.secret ?? SECRETS.github) : o.signature
  if (signature !== null) headers['x-hub-signature-256'] = signature
  return { path: '/webhooks/github', init: { method: 'POST', headers, body } }
}

export const validReq: Record<Source, () => Req> = { gitlab: () => gitlabReq(), jenkins: () => jenkinsReq(), github: () => githubReq() }
