import { readFileSync } from 'node:fs'
import type { Source } from '../src/event.js'
import type { RawRequest } from './common/types.js'
import { parseJsonBody } from './common/json-fields.js'

/**
 * A webhook read from a file, as `ci-notify normalize` and `ci-notify test` replay it. `headers` are
 * `"Name: value"` strings. Headers a captured body implies are filled in when not given: X-Gitlab-Event from
 * `object_kind`, X-GitHub-Event from the body's shape, Content-Type from the body. Throws a plain Error for a header
 * without a colon or a file that cannot be read, PayloadError when an event header must be inferred from a body that
 * is not JSON.
 */
export function readPayload(source: Source, file: string, headers: string[]): RawRequest {
  const body = readFileSync(file, 'utf8')
  const h = new Headers()
  for (const line of headers) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`header ${JSON.stringify(line)} must look like "Name: value"`)
    h.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  if (!h.has('content-type')) h.set('content-type', contentType(body))
  if (source === 'gitlab' && !h.has('x-gitlab-event')) h.set('x-gitlab-event', gitlabEvent(body))
  if (source === 'github' && !h.has('x-github-event')) {
    const form = /^application\/x-www-form-urlencoded/i.test(h.get('content-type') ?? '')
    const event = githubEvent(form ? (new URLSearchParams(body).get('payload') ?? '') : body)
    if (event) h.set('x-github-event', event)
  }
  return { headers: h, body, query: new URLSearchParams() }
}

function contentType(body: string): string {
  if (body.trimStart().startsWith('<')) return 'application/xml'
  return body.startsWith('payload=') ? 'application/x-www-form-urlencoded' : 'application/json'
}

const GITLAB_EVENTS: Record<string, string> = {
  pipeline: 'Pipeline Hook',
  build: 'Job Hook',
  deployment: 'Deployment Hook',
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  issue: 'Issue Hook',
}

function gitlabEvent(body: string): string {
  const kind = record(parseJsonBody(body)).object_kind
  if (typeof kind !== 'string') return 'Unknown Hook'
  return Object.hasOwn(GITLAB_EVENTS, kind) ? GITLAB_EVENTS[kind] : `${kind} Hook`
}

/** deployment_status first: deployments made by Actions jobs also carry a workflow_run. */
function githubEvent(body: string): string | undefined {
  const b = record(parseJsonBody(body))
  if ('deployment_status' in b) return 'deployment_status'
  if ('workflow_run' in b) return 'workflow_run'
  if ('zen' in b && 'hook_id' in b) return 'ping'
  return undefined
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {})
