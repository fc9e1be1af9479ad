import { PayloadError } from '../../src/errors.js'
import { defineSource, deliveryId } from '../common/define-source.js'
import type { RawRequest } from '../common/types.js'
import { fields, parseJsonBody, topLevel } from '../common/json-fields.js'
import { githubDeploymentStatus } from './deployment-status.js'
import { WORKFLOW_RUN_ACTIONS, githubWorkflowRun } from './workflow-run.js'

/** X-GitHub-Delivery is kept on redelivery (best-practices doc); the derived key is for bodies replayed by hand. */
const DELIVERY_HEADERS = ['x-github-delivery']

export const github = defineSource({
  name: 'github',
  label: 'GitHub',
  secret: { env: 'GITHUB_WEBHOOK_SECRET', flag: 'github-webhook-secret', meaning: 'GitHub webhook secret (X-Hub-Signature-256); unset = unauthenticated (warned)' },

  // "sha256=" + hex HMAC-SHA256(secret, raw body) (docs: validating-webhook-deliveries). The body is the raw text,
  // never re-serialised JSON.
  auth: {
    credential: { kind: 'hmac', header: 'x-hub-signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    missing: "missing X-Hub-Signature-256 header: set the webhook's Secret to the value of GITHUB_WEBHOOK_SECRET",
    wrong: 'X-Hub-Signature-256 does not match the body signed with GITHUB_WEBHOOK_SECRET: the secrets differ, or the body was changed on the way',
  },
  // A hook may be configured as application/x-www-form-urlencoded: the JSON is then in the `payload` field.
  mediaTypes: ['application/x-www-form-urlencoded'],
  event: { header: 'x-github-event', infer: inferEvent },
  deliveryHeaders: DELIVERY_HEADERS,
  setup: 'Settings → Webhooks (application/json; workflow runs, deployment statuses)',
  // GitHub sends an actor's login only.
  vouchesActorEmail: false,

  parse(req) {
    const event = req.headers.get('x-github-event')
    if (!event) throw new PayloadError('missing X-GitHub-Event header')
    if (event === 'ping') return { ignored: 'ping' }
    if (event !== 'workflow_run' && event !== 'deployment_status') {
      return { ignored: `github event ${JSON.stringify(event)} is not translated` }
    }
    const body = fields(parseJsonBody(jsonText(req)))
    const action = body.optStr('action')
    if (event === 'workflow_run') {
      if (!action) throw new PayloadError('action: missing (expected a string)')
      if (!WORKFLOW_RUN_ACTIONS.includes(action)) return { ignored: `workflow_run action ${JSON.stringify(action)} is not translated` }
      const { key, ...e } = githubWorkflowRun(body)
      return { ...e, delivery_id: deliveryId(req.headers, DELIVERY_HEADERS, key) }
    }
    if (action !== undefined && action !== 'created') {
      return { ignored: `deployment_status action ${JSON.stringify(action)} is not translated` }
    }
    // inactive: a newer deployment to the same environment superseded this one — not news.
    if (body.obj('deployment_status').optStr('state') === 'inactive') return { ignored: 'deployment_status "inactive"' }
    const { key, ...e } = githubDeploymentStatus(body)
    return { ...e, delivery_id: deliveryId(req.headers, DELIVERY_HEADERS, key) }
  },
})

/** Hooks configured as application/x-www-form-urlencoded carry the JSON in the `payload` field. */
function jsonText(req: RawRequest): string {
  if (!/^application\/x-www-form-urlencoded/i.test(req.headers.get('content-type') ?? '')) return req.body
  const payload = new URLSearchParams(req.body).get('payload')
  if (payload === null) throw new PayloadError('payload: missing form field (form-encoded GitHub hooks carry the JSON there)')
  return payload
}

/** The X-GitHub-Event a captured body implies. deployment_status first: deployments made by Actions jobs also carry a workflow_run. */
function inferEvent(req: RawRequest): string | undefined {
  const form = /^application\/x-www-form-urlencoded/i.test(req.headers.get('content-type') ?? '')
  const b = topLevel(form ? (new URLSearchParams(req.body).get('payload') ?? '') : req.body)
  if ('deployment_status' in b) return 'deployment_status'
  if ('workflow_run' in b) return 'workflow_run'
  if ('zen' in b && 'hook_id' in b) return 'ping'
  return undefined
}
