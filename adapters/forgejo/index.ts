import { PayloadError } from '../../src/errors.js'
import { defineSource, deliveryId } from '../common/define-source.js'
import { fields, parseJsonBody, topLevel } from '../common/json-fields.js'
import type { RawRequest } from '../common/types.js'
import { OUTCOME, forgejoActionRun } from './action-run.js'

/** X-Forgejo-Delivery: a UUID per delivery, kept when Forgejo redelivers (services/webhook/shared/payloader.go). */
const DELIVERY_HEADERS = ['x-forgejo-delivery']

/** The hook event types of Forgejo's Action Run events (modules/webhook/type.go) → the payload's `action`. */
const EVENTS: Record<string, string> = {
  action_run_success: 'success',
  action_run_failure: 'failure',
  action_run_recover: 'recover',
}

export const forgejo = defineSource({
  name: 'forgejo',
  label: 'Forgejo',
  secret: { env: 'FORGEJO_WEBHOOK_SECRET', flag: 'forgejo-webhook-secret', meaning: 'Forgejo webhook secret (X-Forgejo-Signature); unset = unauthenticated (warned)' },

  // hex HMAC-SHA256(secret, raw body), no prefix, as Gitea's. Forgejo also sends every Gitea, Gogs and GitHub header
  // (X-Gitea-Signature, X-Hub-Signature-256…) with the same values: the Forgejo ones are read here.
  auth: {
    credential: { kind: 'hmac', header: 'x-forgejo-signature', algorithm: 'sha256', encoding: 'hex' },
    missing: "missing X-Forgejo-Signature header: set the webhook's Secret to the value of FORGEJO_WEBHOOK_SECRET",
    wrong: 'X-Forgejo-Signature does not match the body signed with FORGEJO_WEBHOOK_SECRET: the secrets differ, or the body was changed on the way',
  },
  mediaTypes: [],
  event: { header: 'x-forgejo-event', infer: inferEvent },
  deliveryHeaders: DELIVERY_HEADERS,
  setup: 'Settings → Webhooks → Add webhook → Forgejo (POST, application/json; Action Run events: success, failure, recover)',
  vouchesActorEmail: false,

  parse(req) {
    const event = req.headers.get('x-forgejo-event')
    if (!event) throw new PayloadError('missing X-Forgejo-Event header')
    const action = Object.hasOwn(EVENTS, event) ? EVENTS[event] : undefined
    if (!action) return { ignored: `forgejo event ${JSON.stringify(event)} is not translated` }
    const body = fields(parseJsonBody(req.body))
    const got = body.str('action')
    if (got !== action) throw new PayloadError(`action: expected "${action}" for X-Forgejo-Event "${event}", got ${JSON.stringify(got)}`)
    const { key, ...e } = forgejoActionRun(body, action)
    return { ...e, delivery_id: deliveryId(req.headers, DELIVERY_HEADERS, key) }
  },
})

/** The X-Forgejo-Event a captured body implies, from its `action`. */
function inferEvent(req: RawRequest): string | undefined {
  const action = topLevel(req.body).action
  return typeof action === 'string' && Object.hasOwn(OUTCOME, action) ? `action_run_${action}` : undefined
}
