import { PayloadError } from '../../src/errors.js'
import { defineSource, deliveryId } from '../common/define-source.js'
import { fields, parseJsonBody, topLevel, type Fields } from '../common/json-fields.js'
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

/** Idempotency-Key (17.4+) survives resends; X-Gitlab-Event-UUID (14.8+) is per event; older GitLab sends neither. */
const DELIVERY_HEADERS = ['idempotency-key', 'x-gitlab-event-uuid']

export const gitlab = defineSource({
  name: 'gitlab',
  label: 'GitLab',
  secret: { env: 'GITLAB_WEBHOOK_TOKEN', flag: 'gitlab-webhook-token', meaning: "GitLab webhook 'Secret token' (X-Gitlab-Token); unset = unauthenticated (warned)" },

  // GitLab echoes the configured secret token verbatim; there is no signature (webhooks.md "Secret token").
  auth: {
    credential: { kind: 'token', header: 'x-gitlab-token' },
    missing: "missing X-Gitlab-Token header: set the webhook's Secret token to the value of GITLAB_WEBHOOK_TOKEN",
    wrong: 'wrong X-Gitlab-Token: it is not the value of GITLAB_WEBHOOK_TOKEN',
  },
  mediaTypes: [],
  event: { header: 'x-gitlab-event', infer: (req) => inferEvent(req.body) },
  deliveryHeaders: DELIVERY_HEADERS,
  setup: 'Settings → Webhooks (pipeline, job, deployment events)',
  // GitLab sends the user's public e-mail and takes only a confirmed address as public ("[REDACTED]" when none is set).
  vouchesActorEmail: true,

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
    return { ...e, delivery_id: deliveryId(req.headers, DELIVERY_HEADERS, key) }
  },
})

/** The X-Gitlab-Event a captured body implies, from its object_kind. */
const HOOK_OF_KIND: Record<string, string> = {
  pipeline: 'Pipeline Hook',
  build: 'Job Hook',
  deployment: 'Deployment Hook',
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  issue: 'Issue Hook',
}

function inferEvent(body: string): string {
  const kind = topLevel(body).object_kind
  if (typeof kind !== 'string') return 'Unknown Hook'
  return Object.hasOwn(HOOK_OF_KIND, kind) ? HOOK_OF_KIND[kind] : `${kind} Hook`
}
