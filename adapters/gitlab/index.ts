import { PayloadError } from '../../src/errors.js'
import { equalsSecret } from '../../src/safe-equal.js'
import type { Adapter, RawRequest } from '../common/types.js'
import { fields, parseJsonBody, type Fields } from '../common/json-fields.js'
import { gitlabDeployment } from './deployment.js'
import { gitlabJob } from './job.js'
import { gitlabPipeline, type Translated } from './pipeline.js'

/**
 * X-Gitlab-Event → the object_kind the body must carry. "Build Hook" is what GitLab < 9.3 sent for jobs. Every other
 * event (Push Hook, System Hook, …) is answered "ignored" with a 2xx: GitLab disables hooks that keep failing.
 */
const EVENTS: Record<string, { kind: string; translate: (body: Fields) => Translated }> = {
  'Pipeline Hook': { kind: 'pipeline', translate: gitlabPipeline },
  'Job Hook': { kind: 'build', translate: gitlabJob },
  'Build Hook': { kind: 'build', translate: gitlabJob },
  'Deployment Hook': { kind: 'deployment', translate: gitlabDeployment },
}

export const gitlab: Adapter = {
  name: 'gitlab',

  // GitLab echoes the configured secret token verbatim; there is no signature (webhooks.md "Secret token").
  auth: {
    in: 'head',
    present: (h) => h.headers.has('x-gitlab-token'),
    missing: "missing X-Gitlab-Token header: set the webhook's Secret token to the value of GITLAB_WEBHOOK_TOKEN",
    wrong: 'wrong X-Gitlab-Token: it is not the value of GITLAB_WEBHOOK_TOKEN',
  },
  verify: (req, secret) => equalsSecret(req.headers.get('x-gitlab-token') ?? '', secret),

  parse(req) {
    const event = req.headers.get('x-gitlab-event')
    if (!event) throw new PayloadError('missing X-Gitlab-Event header')
    const spec = Object.hasOwn(EVENTS, event) ? EVENTS[event] : undefined
    if (!spec) return { ignored: `gitlab event ${JSON.stringify(event)} is not translated` }
    const body = fields(parseJsonBody(req.body))
    const kind = body.str('object_kind')
    if (kind !== spec.kind) {
      throw new PayloadError(`object_kind: expected "${spec.kind}" for X-Gitlab-Event "${event}", got ${JSON.stringify(kind)}`)
    }
    const { event: e, key } = spec.translate(body)
    return { ...e, delivery_id: deliveryId(req, key) }
  },
}

/** Idempotency-Key (17.4+) survives resends; X-Gitlab-Event-UUID (14.8+) is per event; older GitLab sends neither. */
function deliveryId(req: RawRequest, derived: string): string {
  return req.headers.get('idempotency-key') || req.headers.get('x-gitlab-event-uuid') || derived
}
