import { adapters, SOURCES } from '../../adapters/index.js'
import type { AppDeps, TargetState } from './deps.js'
import type { BucketState } from '../store/types.js'
import { UnavailableError } from '../errors.js'
import { redactValues } from '../redact.js'
import { redactRobotUrl } from '../platforms/redact.js'
import { settingSecrets } from '../settings/settings.js'
import { rulesSecrets } from '../../rules/secrets.js'

/** A target as /api/status shows it: the worker's (or the store's) block, and the store's count of what waits. */
type TargetView = TargetState & { waiting: number }

/** `GET /api/status`: what an operator checks first. Target names only, never their webhooks or secrets. */
export async function status(deps: AppDeps) {
  const rules = deps.rules.status()
  const compiled = deps.rules.current
  const tz = compiled.config.defaults.timezone
  const states = deps.targetStates?.() ?? {}
  const scrub = scrubber(deps)
  const unavailable = (err: unknown) => {
    throw new UnavailableError(`store unavailable: ${(err as Error).message}`, { cause: err })
  }
  const names = Object.keys(compiled.targets)
  // From the store, so every replica answers alike: the queues, and the robots' blocks recorded by whichever
  // replica sends to them (a single process has only its own worker's view, which is then the whole truth).
  const q = await deps.store.queueStats().catch(unavailable)
  // One target at a time, not a burst on the pool ingest shares; a block that cannot be read is left out, not a 503.
  const shared: (BucketState | undefined)[] = []
  for (const n of names) shared.push(await deps.store.loadBucket?.(n).catch(() => undefined))
  const targets: Record<string, { type: string; dry_run: boolean; waiting: number; rate_limited_until?: string; budget_left?: number; rate_per_minute: number; state: string }> = {}
  names.forEach((name, i) => {
    const t = compiled.targets[name]
    const dryRun = deps.settings.dryRun || !t.webhook
    const s: TargetView = { waiting: q.waitingByTarget[name] ?? 0, rateLimitedUntil: later(states[name]?.rateLimitedUntil, shared[i]?.blockedUntil) }
    targets[name] = { type: t.type, dry_run: dryRun, waiting: s.waiting, rate_limited_until: s.rateLimitedUntil, budget_left: states[name]?.budgetLeft, rate_per_minute: t.rate_per_minute, state: describe(s, dryRun, tz) }
  })
  return {
    version: deps.version,
    started_at: deps.startedAt.toISOString(),
    uptime_s: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
    dry_run: deps.settings.dryRun,
    rules: {
      file: rules.file,
      loaded_at: rules.loadedAt,
      last_reload: { ...rules.lastReload, error: rules.lastReload.error && scrub(rules.lastReload.error) },
      // What `ci-notify check` warns about in the rules running now.
      warnings: compiled.warnings.map(scrub),
    },
    queue: { depth: q.pending + q.retrying, pending: q.pending, retrying: q.retrying, oldest_pending_at: q.oldestPendingAt ?? null },
    dead_letters: q.dead,
    // Per source, built-in or defined in the rules file: how its webhooks are authenticated now (a token, a
    // signature over the body, or open).
    inbound: Object.fromEntries([
      ...SOURCES.map((n) => [n, deps.settings.secrets[n] ? (adapters[n].auth.credential.kind === 'hmac' ? 'signature' : 'token') : 'open']),
      ...Object.entries(compiled.sources).map(([n, s]) => [n, s.secret ? s.inbound : 'open']),
    ]),
    targets,
  }
}

/**
 * Hides robot URL credentials and every configured secret in a text from the rules file (a reload error or a warning
 * quotes it; a bad line could hold a robot URL or a secret). The console shows the file itself through it too.
 */
export function scrubber(deps: Pick<AppDeps, 'settings' | 'rules'>): (text: string) => string {
  const secrets = [...settingSecrets(deps.settings), ...rulesSecrets(deps.rules.current)]
  return (text) => redactValues(redactRobotUrl(text), secrets)
}

/** The later of this worker's hold and the one shared through the store, if it is still ahead. */
function later(local: string | undefined, sharedMs: number | undefined): string | undefined {
  const at = Math.max(local ? Date.parse(local) : 0, sharedMs ?? 0)
  return at > Date.now() ? new Date(at).toISOString() : undefined
}

function describe(s: TargetView, dryRun: boolean, tz: string): string {
  const parts: string[] = []
  if (s.rateLimitedUntil && Date.parse(s.rateLimitedUntil) > Date.now()) parts.push(`rate-limited until ${clock(s.rateLimitedUntil, tz)}`)
  if (s.waiting) parts.push(`${s.waiting} waiting`)
  if (dryRun) parts.push('dry run')
  return parts.length ? parts.join(', ') : 'ok'
}

function clock(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso))
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    return iso // unknown timezone in the rules file: the ISO time is still right
  }
}
