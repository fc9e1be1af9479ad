import { resolveMentions, runProblem, schemaProblem, visibleText, type Json, type Member, type Resolution, type Schema } from './teams-checks.js'
import { noteReply, serveRecorded, type Call, type Failure, type Reply } from './serve.js'
import { FixedWindow } from './window.js'

/**
 * A fake Microsoft Teams Workflows webhook (Power Automate "When a Teams webhook request is received"), written
 * from https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 * (Workflows). The HTTP trigger answers 202 once the request is queued; the
 * card is posted (or not) by a run the sender never sees, kept in `runs()`. The Office 365 connectors are
 * retired, so there is no connector route.
 */

export type TeamsFlow = {
  id: string
  /** The SAS signature in the URL (`sig=`), the only secret when the trigger allows anyone. */
  sig: string
  /** `tenant`: the trigger takes only an Entra bearer token (no `sig`). */
  auth?: 'anyone' | 'tenant'
  state?: 'on' | 'off' | 'deleted'
  /** Channel members, by UPN and/or Entra object id. */
  members?: Member[]
  /** The trigger's request-body schema (none: any JSON object). */
  schema?: Schema
  /** Workflows reportedly post a MessageCard since February 2026, without its buttons (unconfirmed). */
  acceptMessageCard?: boolean
  /** Whether a mention notifies; posts as User or the Flow bot were seen not to (unconfirmed, default true). */
  mentionsNotify?: boolean
}

export type TeamsOptions = {
  clock?: { now(): number }
  /** The post's size limit in bytes: "The message size limit is 28 KB" (default 28,672). */
  maxBytes?: number
  /** Oversize: accepted with 202 and the run fails (Workflows, default), or HTTP 413 (the old connectors). */
  oversize?: 'run' | '413'
  /** The newest Adaptive Card version Teams renders (default "1.4", as Flux pins). */
  maxVersion?: string
  /** Fixed windows per flow as [ms, max]; default the connector table, unconfirmed for Workflows. */
  windows?: [number, number][]
}

export type TeamsRun = { id: string; flow: string; at: number; status: 'Succeeded' | 'Failed'; error?: string }

export type TeamsRecord = {
  at: number
  flow?: string
  body: string
  http: number
  reply?: string
  retryAfter?: string
  injected?: Failure['kind']
  /** Set when the trigger accepted the request (202): queued, not yet shown. */
  message?: Json
  /** The run the request started: only a Succeeded run shows the card. */
  run?: TeamsRun
  /** What the channel sees, as plain text (a Succeeded run only). */
  visible?: string
  mentions?: Resolution
}

export const CONNECTOR_WINDOWS: [number, number][] = [
  [1000, 4],
  [30_000, 60],
  [3_600_000, 100],
  [7_200_000, 150],
  [86_400_000, 1800],
]
const PATH = /^(?:\/powerautomate\/automations\/direct)?\/workflows\/([^/]+)\/triggers\/manual\/paths\/invoke$/
const error = (status: number, code: string, message: string): Reply => ({ status, json: { error: { code, message } } })

export async function startFakeTeams(flows: TeamsFlow[], o: TeamsOptions = {}) {
  const clock = o.clock ?? { now: () => Date.now() }
  const byId = new Map(flows.map((f) => [f.id, f]))
  const windows = new Map<string, FixedWindow[]>()
  const records: TeamsRecord[] = []
  const runs: TeamsRun[] = []
  const failing: string[] = []
  const maxBytes = o.maxBytes ?? 28_672

  function check(c: Call, rec: TeamsRecord): Reply {
    const now = clock.now()
    // 1. the flow and the caller's right to trigger it (bodies unconfirmed except DirectApiAuthorizationRequired)
    const flow = byId.get(rec.flow ?? '')
    if (c.method !== 'POST' || !flow || flow.state === 'deleted') return error(404, 'WorkflowNotFound', `The workflow '${rec.flow ?? ''}' could not be found.`)
    const bearer = /^Bearer \S+/.test(String(c.headers.authorization ?? ''))
    const sas = ['sp', 'sv', 'sig'].some((k) => c.query.has(k))
    if (bearer && sas) return error(400, 'DirectApiRequestHasMoreThanOneAuthorization', 'The request has SAS authentication scheme and another authorization scheme. Only one scheme should be used.')
    if (flow.auth === 'tenant') {
      if (!bearer) return error(401, 'DirectApiAuthorizationRequired', 'The request must be authenticated.')
    } else if (!c.query.get('sp') || !c.query.get('sv') || !c.query.get('sig')) {
      return error(401, 'AuthorizationFailed', "Required parameters for shared access URL are permissions ('sp'), version ('sv'), and signature ('sig').")
    } else if (c.query.get('sig') !== flow.sig) {
      return error(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.')
    }
    if (flow.state === 'off') return error(409, 'WorkflowDisabled', `The workflow '${flow.id}' is disabled.`)
    if (o.oversize === '413' && c.bytes > maxBytes) return { status: 413, text: 'Microsoft Teams endpoint returned HTTP error 413 with ContextId MS-CV=fake.0', contentType: 'text/plain' }
    // 2. the trigger's schema
    let msg: Json
    try {
      msg = JSON.parse(c.body) as Json
    } catch {
      return error(400, 'TriggerInputSchemaMismatch', "The input body for trigger 'manual' of type 'Request' must be of type JSON, but was of type 'application/octet-stream'.")
    }
    const bad = schemaProblem(msg, flow.schema ?? { type: 'object' })
    if (bad) return error(400, 'TriggerInputSchemaMismatch', `The input body for trigger 'manual' of type 'Request' did not match its schema definition. Error details: '${bad}'.`)
    // 3. fixed windows per flow
    const ws = windows.get(flow.id) ?? (o.windows ?? CONNECTOR_WINDOWS).map(([ms, max]) => new FixedWindow(max, ms))
    windows.set(flow.id, ws)
    const waitMs = Math.max(...ws.map((w) => w.waitMs(now)))
    if (waitMs > 0) {
      const r = error(429, 'WorkflowRequestsThrottled', 'The workflow was throttled: too many requests.')
      return { ...r, headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) } }
    }
    for (const w of ws) w.add(now)
    // 4. queued: 202 with an empty body; 5. the run posts the card or fails, out of the sender's sight
    rec.message = msg
    const failure = failing.shift() ?? (c.bytes > maxBytes ? 'The payload is too large. Please make sure the size is less than 28KB.' : runProblem(msg, { maxVersion: o.maxVersion ?? '1.4', acceptMessageCard: !!flow.acceptMessageCard }))
    const run: TeamsRun = { id: `run-${runs.length + 1}`, flow: flow.id, at: now, status: failure ? 'Failed' : 'Succeeded', ...(failure ? { error: failure } : {}) }
    runs.push(run)
    rec.run = run
    if (!failure) {
      rec.visible = visibleText(msg)
      rec.mentions = resolveMentions(msg, flow.members ?? [], flow.mentionsNotify !== false)
    }
    return { status: 202 }
  }

  const record = (c: Call): TeamsRecord => {
    const rec: TeamsRecord = { at: clock.now(), flow: PATH.exec(c.path)?.[1], body: c.body, http: 200 }
    records.push(rec)
    return rec
  }

  const http = await serveRecorded(
    record,
    check,
    noteReply,
    // Logic Apps' error shape: {error: {code, message}}, the code being the errmsg (say "GatewayTimeout").
    { errcodeReply: (f) => error(f.status ?? 500, f.errmsg, f.errmsg) },
  )

  return {
    ...http,
    records,
    webhook: (id: string) => {
      const f = byId.get(id)
      const q = f?.auth === 'tenant' ? 'api-version=1' : `api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${f?.sig ?? ''}`
      return `${http.url}/workflows/${id}/triggers/manual/paths/invoke?${q}`
    },
    /** Cards posted in the channel (their run succeeded), oldest first. */
    shown: (id?: string) => records.filter((r) => r.run?.status === 'Succeeded' && (!id || r.flow === id)),
    /** The flows' run history: what the flow owner sees and the sender does not. */
    runs: (id?: string) => runs.filter((r) => !id || r.flow === id),
    /** The next `times` accepted requests still get 202, and their runs fail with `reason` (say, the owner left). */
    failRuns: (times = 1, reason = "The connection's owner is no longer in the organization.") => void failing.push(...Array.from({ length: times }, () => reason)),
  }
}
export type FakeTeams = Awaited<ReturnType<typeof startFakeTeams>>
