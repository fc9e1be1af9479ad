import { createHmac } from 'node:crypto'
import { PayloadError } from '../../src/errors.js'
import { safeEqual } from '../../src/safe-equal.js'
import type { Adapter, RawRequest } from '../common/types.js'
import { fields, parseJsonBody } from '../common/json-fields.js'
import { githubDeploymentStatus } from './deployment-status.js'
import { WORKFLOW_RUN_ACTIONS, githubWorkflowRun } from './workflow-run.js'

export const github: Adapter = {
  name: 'github',

  // "sha256=" + hex HMAC-SHA256(secret, raw body) (docs: validating-webhook-deliveries). The body is the raw text,
  // never re-serialised JSON.
  auth: {
    in: 'body',
    present: (h) => h.headers.has('x-hub-signature-256'),
    missing: "missing X-Hub-Signature-256 header: set the webhook's Secret to the value of GITHUB_WEBHOOK_SECRET",
    wrong: 'X-Hub-Signature-256 does not match the body signed with GITHUB_WEBHOOK_SECRET: the secrets differ, or the body was changed on the way',
  },
  verify(req, secret) {
    const got = req.headers.get('x-hub-signature-256')
    if (!got) return false
    const want = `sha256=${createHmac('sha256', secret).update(req.body, 'utf8').digest('hex')}`
    return safeEqual(got, want)
  },

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
      return { ...e, delivery_id: deliveryId(req, key) }
    }
    if (action !== undefined && action !== 'created') {
      return { ignored: `deployment_status action ${JSON.stringify(action)} is not translated` }
    }
    // inactive: a newer deployment to the same environment superseded this one — not news.
    if (body.obj('deployment_status').optStr('state') === 'inactive') return { ignored: 'deployment_status "inactive"' }
    const { key, ...e } = githubDeploymentStatus(body)
    return { ...e, delivery_id: deliveryId(req, key) }
  },
}

/** Hooks configured as application/x-www-form-urlencoded carry the JSON in the `payload` field. */
function jsonText(req: RawRequest): string {
  if (!/^application\/x-www-form-urlencoded/i.test(req.headers.get('content-type') ?? '')) return req.body
  const payload = new URLSearchParams(req.body).get('payload')
  if (payload === null) throw new PayloadError('payload: missing form field (form-encoded GitHub hooks carry the JSON there)')
  return payload
}

/** X-GitHub-Delivery is kept on redelivery (best-practices doc); the derived key is for bodies replayed by hand. */
const deliveryId = (req: RawRequest, derived: string) => req.headers.get('x-github-delivery') || derived
