import { chars, MAX_TEXT, payloadProblem, resolveMentions, shownParts, visibleText, type Json, type Member, type Resolution } from './slack-checks.js'
import { noteReply, serveRecorded, type Call, type Failure, type Reply } from './serve.js'
import { SlidingWindow, TokenBucket } from './window.js'

/**
 * A fake Slack incoming webhook (`POST /services/T…/B…/<secret>`; the URL is the credential), written from
 * https://api.slack.com/messaging/webhooks. Errors are plain-text strings with an HTTP status.
 */

export type SlackHook = {
  secret: string
  team?: string
  bot?: string
  /** What happened to the hook or its channel; each answers its own error. */
  state?: 'active' | 'revoked' | 'channel_missing' | 'channel_archived' | 'prohibited' | 'team_disabled' | 'no_active_hooks'
  /** Channel members by user id (`U…`/`W…`), optionally with the name the channel shows. */
  members?: Member[]
  /** User groups (`S…`) that exist in the workspace. */
  subteams?: string[]
  /** A legacy custom integration: `channel`, `username` and `icon_*` are honoured instead of ignored. */
  legacy?: boolean
}

export type SlackOptions = {
  clock?: { now(): number }
  /** The bucket's size: "1 per second, short bursts >1 allowed", the burst undocumented (default 5). */
  burst?: number
  /** Accept a form body `payload=<json>` (the legacy style); otherwise a form body is `invalid_payload`. */
  formPayload?: boolean
  /**
   * Disable a hook flooded with more than `messages` requests in `windowMs` (Slack did at 3,600 in 5 minutes);
   * it answers `no_service` from then on. `true` means those figures.
   */
  autoDisable?: boolean | { messages: number; windowMs: number }
}

export type SlackRecord = {
  at: number
  secret?: string
  body: string
  http: number
  /** The reply body as sent: `ok`, an error string or the 429's counts. */
  reply?: string
  retryAfter?: string
  injected?: Failure['kind']
  /** Set when the message was accepted and posted. */
  message?: Json
  /** What the channel sees, as plain text. */
  visible?: string
  mentions?: Resolution
  /** The top-level text was over 40,000 characters and was cut (Slack truncates, it does not reject). */
  truncated?: boolean
  /** Fields an incoming webhook ignores (channel, username, icon_*). */
  ignored?: string[]
}

const STATE_ERRORS: Record<string, [number, string]> = {
  revoked: [403, 'invalid_token'],
  channel_missing: [404, 'channel_not_found'],
  channel_archived: [410, 'channel_is_archived'],
  prohibited: [403, 'action_prohibited'],
  // The statuses of these two are not documented.
  team_disabled: [403, 'team_disabled'],
  no_active_hooks: [410, 'no_active_hooks'],
}
const OVERRIDES = ['channel', 'username', 'icon_emoji', 'icon_url']
const err = (status: number, text: string): Reply => ({ status, text, contentType: 'text/html' })

export async function startFakeSlack(hooks: SlackHook[], o: SlackOptions = {}) {
  const clock = o.clock ?? { now: () => Date.now() }
  const bySecret = new Map(hooks.map((h) => [h.secret, h]))
  const buckets = new Map<string, TokenBucket>()
  const calls = new Map<string, SlidingWindow>()
  const disabled = new Set<string>()
  const flood = o.autoDisable === true ? { messages: 3600, windowMs: 5 * 60_000 } : o.autoDisable || undefined
  const records: SlackRecord[] = []

  function check(c: Call, rec: SlackRecord): Reply {
    const now = clock.now()
    // 1. the URL, the hook and its channel
    const m = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(c.path)
    const hook = m ? bySecret.get(m[3]) : undefined
    if (c.method !== 'POST' || !hook || m![1] !== (hook.team ?? 'T0000000') || m![2] !== (hook.bot ?? 'B0000000') || disabled.has(hook.secret)) return err(404, 'no_service')
    const stateErr = STATE_ERRORS[hook.state ?? 'active']
    if (stateErr) return err(...stateErr)
    // Every call counts toward the flood that disables a hook, whatever becomes of it.
    const seen = calls.get(hook.secret) ?? new SlidingWindow(Infinity, Math.max(3_600_000, flood?.windowMs ?? 0))
    calls.set(hook.secret, seen)
    seen.count(now) // drops the stamps past the span
    seen.add(now)
    if (flood && seen.within(now, flood.windowMs) > flood.messages) {
      disabled.add(hook.secret)
      return err(404, 'no_service')
    }
    // 2. the payload: JSON, or a form's `payload=` only where allowed
    const msg = parse(c, !!o.formPayload)
    if (!msg) return err(400, 'invalid_payload')
    // 3. text, blocks, attachments
    const problem = payloadProblem(msg)
    if (problem) return err(400, problem)
    // 5. rate: a bucket per hook, refilled at 1/s
    const bucket = buckets.get(hook.secret) ?? new TokenBucket(o.burst ?? 5, 1)
    buckets.set(hook.secret, bucket)
    const waitMs = bucket.take(now)
    if (waitMs > 0) {
      const counts = { ok: false, count_hour_ago: seen.within(now, 3_600_000), count_minute_ago: seen.within(now, 60_000), count_second_ago: seen.within(now, 1000) }
      return { status: 429, json: counts, headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } }
    }
    // 4. and 7. posted: long text cut, overrides ignored, mentions where the markup is live
    const parts = shownParts(msg)
    rec.message = msg
    rec.truncated = typeof msg.text === 'string' && chars(msg.text) > MAX_TEXT
    rec.ignored = hook.legacy ? [] : OVERRIDES.filter((k) => msg[k] !== undefined)
    rec.visible = visibleText(parts, hook.members ?? [])
    rec.mentions = resolveMentions(parts, hook.members ?? [], hook.subteams ?? [])
    return { status: 200, text: 'ok', contentType: 'text/html' }
  }

  const record = (c: Call): SlackRecord => {
    const rec: SlackRecord = { at: clock.now(), secret: /^\/services\/[^/]+\/[^/]+\/([^/]+)$/.exec(c.path)?.[1], body: c.body, http: 200 }
    records.push(rec)
    return rec
  }

  const http = await serveRecorded(
    record,
    check,
    noteReply,
    // Slack has no codes: an injected one answers its errmsg as the plain-text body (400 unless told).
    { errcodeReply: (f) => err(f.status ?? 400, f.errmsg) },
  )

  return {
    ...http,
    records,
    webhook: (secret: string) => {
      const h = bySecret.get(secret)
      return `${http.url}/services/${h?.team ?? 'T0000000'}/${h?.bot ?? 'B0000000'}/${secret}`
    },
    /** Messages posted in the channel, oldest first. */
    shown: (secret?: string) => records.filter((r) => r.message && (!secret || r.secret === secret)),
    /** Whether the flood rule has disabled a hook. */
    disabled: (secret: string) => disabled.has(secret),
  }
}
export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>

function parse(c: Call, formPayload: boolean): Json | undefined {
  const type = String(c.headers['content-type'] ?? '')
  let text = c.body
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(c.body).get('payload')
    if (!formPayload || payload === null) return undefined
    text = payload
  }
  try {
    const v = JSON.parse(text) as unknown
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined
  } catch {
    return undefined
  }
}

