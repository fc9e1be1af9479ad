import { httpFailure, httpVerdict } from '../common/http-verdict.js'
import { jsonObject } from '../common/json-reply.js'
import { retryAfterMs } from '../common/retry-after.js'
import type { Reading, RobotReply, Verdict } from '../common/types.js'

const MINUTE = 60_000

/**
 * What a Workflows trigger's HTTP status means (its replies: 202 queued, `{error: {code, message}}` otherwise):
 *
 * | status | meaning | verdict |
 * |---|---|---|
 * | 202 (any 2xx) | queued; a 200 only from a flow with its own Response action | sent |
 * | 429 | throttled (4 a second, the flow's windows) | rate limited for its Retry-After (a minute without one) |
 * | 408, 5xx | timeout, Logic Apps or Teams down | retried with backoff |
 * | 400 TriggerInputSchemaMismatch | the body breaks the trigger's schema | permanent |
 * | 401 | wrong or missing `sig`, or a trigger limited to the tenant (Entra token only) | permanent |
 * | 404 | flow deleted or its URL regenerated | permanent |
 * | other 4xx (409 flow turned off, 413 …) | the same post cannot succeed | permanent |
 */
export function classifyTeams(status: number, headers: RobotReply['headers']): Verdict {
  if (status === 429) return { kind: 'rate_limited', waitMs: retryAfterMs(headers, MINUTE) }
  return httpVerdict(status)
}

// The old connectors answered 200 with the failure in the text ("Microsoft Teams endpoint returned HTTP error 429
// with ContextId …"): read as that status, should such a URL still answer.
const CONNECTOR_ERROR = /returned HTTP error (\d{3})\b/
// Logic Apps' error code: an identifier, safe to store and show (the message may quote the request; it is not kept).
const CODE = /^[A-Za-z][A-Za-z0-9_.]{0,80}$/

/**
 * A 2xx is sent: for a Workflows trigger 202 only means queued, and a run that then fails (a card over 28 KB, the
 * flow's owner gone, a channel deleted) shows only in the flow's run history, never to us.
 */
export function readTeamsReply(reply: RobotReply): Reading {
  const legacy = reply.status >= 200 && reply.status < 300 ? CONNECTOR_ERROR.exec(reply.text) : null
  const status = legacy ? Number(legacy[1]) : reply.status
  if (status >= 200 && status < 300) return { ok: true }
  const failure = httpFailure(status, classifyTeams(status, reply.headers))
  const code = errorCode(reply.text)
  return code && !failure.ok ? { ...failure, errmsg: `${failure.errmsg} ${code}` } : failure
}

function errorCode(text: string): string | undefined {
  const error = jsonObject(text)?.error
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && CODE.test(code) ? code : undefined
}
