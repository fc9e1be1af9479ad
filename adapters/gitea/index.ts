import { PayloadError } from '../../src/errors.js'
import { defineSource, deliveryId } from '../common/define-source.js'
import { fields, parseJsonBody, topLevel } from '../common/json-fields.js'
import type { RawRequest } from '../common/types.js'
import { giteaWorkflowJob } from './workflow-job.js'
import { giteaWorkflowRun } from './workflow-run.js'

/** X-Gitea-Delivery: a UUID per delivery, kept when Gitea redelivers (services/webhook/deliver.go). */
const DELIVERY_HEADERS = ['x-gitea-delivery']

const TRANSLATED = ['workflow_run', 'workflow_job']
const ACTIONS: Record<string, string[]> = {
  workflow_run: ['requested', 'in_progress', 'completed'],
  workflow_job: ['queued', 'waiting', 'in_progress', 'completed'],
}

export const gitea = defineSource({
  name: 'gitea',
  label: 'Gitea',
  secret: { env: 'GITEA_WEBHOOK_SECRET', flag: 'gitea-webhook-secret', meaning: 'Gitea webhook secret (X-Gitea-Signature); unset = unauthenticated (warned)' },

  // hex HMAC-SHA256(secret, raw body), no prefix (services/webhook/deliver.go). Gitea also sends it as
  // X-Hub-Signature-256 with "sha256=", and its events as X-GitHub-Event: the Gitea headers are the ones read here.
  auth: {
    credential: { kind: 'hmac', header: 'x-gitea-signature', algorithm: 'sha256', encoding: 'hex' },
    missing: "missing X-Gitea-Signature header: set the webhook's Secret to the value of GITEA_WEBHOOK_SECRET",
    wrong: 'X-Gitea-Signature does not match the body signed with GITEA_WEBHOOK_SECRET: the secrets differ, or the body was changed on the way',
  },
  mediaTypes: [],
  event: { header: 'x-gitea-event', infer: inferEvent },
  deliveryHeaders: DELIVERY_HEADERS,
  setup: 'Settings → Webhooks → Add webhook → Gitea (POST, application/json; Workflow Run and Workflow Job events)',
  vouchesActorEmail: false,

  parse(req) {
    // Forgejo sends every Gitea header too: its own events and payloads are read by the forgejo source.
    if (req.headers.has('x-forgejo-event')) throw new PayloadError('X-Forgejo-Event: this is a Forgejo webhook; point it at /webhooks/forgejo')
    const event = req.headers.get('x-gitea-event')
    if (!event) throw new PayloadError('missing X-Gitea-Event header')
    if (!TRANSLATED.includes(event)) return { ignored: `gitea event ${JSON.stringify(event)} is not translated` }
    const body = fields(parseJsonBody(req.body))
    const action = body.str('action')
    if (!ACTIONS[event].includes(action)) return { ignored: `${event} action ${JSON.stringify(action)} is not translated` }
    const { key, ...e } = event === 'workflow_run' ? giteaWorkflowRun(body) : giteaWorkflowJob(body)
    return { ...e, delivery_id: deliveryId(req.headers, DELIVERY_HEADERS, key) }
  },
})

/** The X-Gitea-Event a captured body implies. */
function inferEvent(req: RawRequest): string | undefined {
  const b = topLevel(req.body)
  if ('workflow_job' in b) return 'workflow_job'
  if ('workflow_run' in b) return 'workflow_run'
  return undefined
}
