import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { TargetType } from '../../rules/schema.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { Renderer, RenderInput } from '../render/types.js'
import type { Settings } from '../settings.js'
import type { Sender } from '../senders/types.js'
import type { Delivery, Store } from '../store/types.js'
import { rulesSecrets } from '../../rules/secrets.js'
import { alreadySent, attempt, batchUuid, type Batch } from './attempt.js'
import type { Clock } from './clock.js'
import { plan, type Plan } from './plan.js'
import type { RateLimit } from './rate-limit.js'
import { renderInputs } from './render-inputs.js'
import { finish, yielder, type Turn } from './yielder.js'

export type StepEnv = {
  store: Store
  rules: CompiledRules
  settings: Settings
  log: Logger
  metrics: Metrics
  clock: Clock
  limit: RateLimit
  renderers: Record<TargetType, Renderer>
  senders: Record<TargetType, Sender>
  random: () => number
  signal: AbortSignal
  renew: () => Promise<void>
  /**
   * Deliveries whose last lone send may have reached the robot (a timeout, or the process died mid-send): they go
   * out alone again with their own msgUuid, which DingTalk absorbs, never inside a digest it would show in full.
   */
  alone: Set<number>
  /** The first send to this target since the process started: its head may have been in flight at a crash. */
  firstSinceStart: boolean
}

/** `progress`: something changed, look again; `idle`: nothing waits; `hold`: nothing can go out before `until`. */
export type StepResult = { kind: 'progress' } | { kind: 'idle' } | { kind: 'hold'; until: number; reason: 'rate' | 'retry' }

const BATCH = 500

/**
 * One move for one target: the head of its queue alone, or a digest of everything due when more wait than the
 * robot's budget allows, or the store updates for a dry run, a removed target or a missing event.
 */
export async function step(env: StepEnv, name: string): Promise<StepResult> {
  const { store, rules, settings, log, metrics, limit } = env
  const now = env.clock.now()
  // The head alone says whether anything can go out now. A robot held by its budget is looked at again after every
  // send, and reading its whole backlog each time (hundreds of rows) would cost more than the send. A move that sends
  // reads twice (one more round trip on PostgreSQL); one that waits, once and one row.
  const [first] = await store.waitingFor(name, 1)
  if (!first) return { kind: 'idle' }
  const target = rules.targets[name]
  if (!target) return removedTarget(env, name)
  if (first.next_attempt_at > now) return { kind: 'hold', until: first.next_attempt_at, reason: 'retry' }

  const dry = settings.dryRun || !target.webhook
  const perWindow = target.rate_per_minute ?? 20
  const available = limit.available(name, perWindow, now)
  const waitForBudget = (k: number): StepResult => {
    metrics.rateLimitWaits.inc({ target: name })
    return { kind: 'hold', until: limit.readyAt(name, perWindow, Math.min(k, perWindow), now), reason: 'rate' }
  }
  if (!dry && available < 1) return waitForBudget(1)
  const paceAt = dry ? now : limit.paceAt(name, perWindow, now)
  if (paceAt > now) {
    metrics.rateLimitWaits.inc({ target: name })
    return { kind: 'hold', until: paceAt, reason: 'rate' }
  }
  // Something can go out: now the backlog, as much as a digest may take. Its head is read again: a dead letter
  // requeued meanwhile comes first, and may not be due.
  const waiting = await store.waitingFor(name, BATCH)
  const n = waiting.length
  if (!n) return { kind: 'idle' }
  if (waiting[0].next_attempt_at > now) return { kind: 'hold', until: waiting[0].next_attempt_at, reason: 'retry' }
  // Once sends are paced, each one is worth a whole slot: everything due goes in it.
  const head = waiting[0]
  // A head that got part of its own send through (recorded in the store, so across replicas too) finishes that send.
  const resuming = head.progress?.uuid === head.msg_uuid
  const budget = env.alone.has(head.id) || env.firstSinceStart || resuming ? Infinity : available > perWindow / 2 ? available : 1
  // Only a digest needs more than the head rendered.
  const all = prefixDue(waiting, now)
  const resumed = dry ? undefined : digestInProgress(head, all)
  const due = resumed ?? (dry || all.length > budget ? all : all.slice(0, 1))
  // One slice of the event loop at a time for the whole move: reading the events, then rendering them.
  const turn = yielder()
  const { ready, missing } = await renderInputs(store, rules, target, due, turn)
  for (const d of missing) await store.markDead(d.id, { errmsg: `event ${d.event_id} not found in the store`, attempted: false })
  if (missing.length) return { kind: 'progress' }
  const renderer = env.renderers[target.type]
  if (dry) return dryRun(env, target, ready, renderer, n, turn)

  const inputs = ready.map((r) => r.input)
  let p: Plan
  try {
    p = resumed ? { count: inputs.length, messages: await finish(renderer.digest(inputs), turn), digest: true } : await plan(renderer, inputs, { available: budget, perWindow }, turn)
  } catch (err) {
    return renderFailed(env, target, due.slice(0, 1), err, n)
  }
  const batch: Batch = { target, deliveries: due.slice(0, p.count), inputs: inputs.slice(0, p.count), messages: p.messages, digest: p.digest }
  const toSend = p.messages.length - alreadySent(batch)
  if (toSend > available) return waitForBudget(toSend)
  const outcome = await attempt(
    { store, log, metrics, clock: env.clock, limit, sender: env.senders[target.type], retryMaxAgeMs: settings.retryMaxAgeMs, random: env.random, signal: env.signal, renew: env.renew, secrets: rulesSecrets(rules) },
    batch,
  )
  if (outcome.kind === 'retry' && !p.digest) env.alone.add(head.id)
  else env.alone.delete(head.id)
  if (outcome.kind === 'retry') return { kind: 'hold', until: outcome.at, reason: outcome.rateLimited ? 'rate' : 'retry' }
  return { kind: 'progress' }
}

/** Deliveries for a target the rules no longer name: dead letters, a batch at a time. */
async function removedTarget(env: StepEnv, name: string): Promise<StepResult> {
  const waiting = await env.store.waitingFor(name, BATCH)
  const errmsg = `target "${name}" is not in the rules file any more (removed on reload); retry it after restoring the target`
  for (const d of waiting) await env.store.markDead(d.id, { errmsg, attempted: false })
  env.metrics.deliveries.inc({ target: name, result: 'dead' }, waiting.length)
  env.log.warn({ target: name, deliveries: waiting.length }, 'deliveries for a removed target: dead letters')
  return { kind: 'progress' }
}

async function dryRun(env: StepEnv, target: NamedTarget, ready: { delivery: Delivery; input: RenderInput }[], renderer: Renderer, n: number, turn: Turn): Promise<StepResult> {
  // One store write for the whole run of rendered deliveries (a commit is an fsync).
  const done: number[] = []
  const record = async () => {
    if (!done.length) return
    await env.store.markDryRun(done, new Date(env.clock.now()))
    env.metrics.deliveries.inc({ target: target.name, result: 'dry_run' }, done.length)
  }
  for (const { delivery, input } of ready) {
    await turn.pause()
    let messages
    try {
      messages = renderer.render(input)
    } catch (err) {
      await record()
      return renderFailed(env, target, [delivery], err, n - done.length)
    }
    env.log.info({ target: target.name, delivery: delivery.id, messages }, 'dry run: message rendered, not posted')
    done.push(delivery.id)
  }
  await record()
  return { kind: 'progress' }
}

/** A message that cannot be rendered never will be: dead letter, fixable by a rules or code change and a retry. */
async function renderFailed(env: StepEnv, target: NamedTarget, ds: Delivery[], err: unknown, n: number): Promise<StepResult> {
  const errmsg = `render failed: ${err instanceof Error ? err.message : String(err)}`
  for (const d of ds) await env.store.markDead(d.id, { errmsg, attempted: false })
  env.metrics.deliveries.inc({ target: target.name, result: 'dead' }, ds.length)
  env.log.error({ target: target.name, deliveries: ds.map((d) => d.id), errmsg }, 'delivery cannot be rendered: dead letter')
  return { kind: 'progress' }
}

/**
 * The deliveries of a digest that stopped part way (its uuid is a hash of theirs). It goes again as it was, not
 * merged with what arrived since, so its remaining parts follow the ones already shown instead of repeating them.
 */
function digestInProgress(head: Delivery, all: Delivery[]): Delivery[] | undefined {
  const uuid = head.progress?.uuid
  if (!uuid || uuid === head.msg_uuid) return undefined
  for (let k = 2; k <= all.length; k++) {
    if (batchUuid({ deliveries: all.slice(0, k), digest: true }, 0) === uuid) return all.slice(0, k)
  }
  return undefined
}

/** The due run at the head of the queue: order forbids sending past a delivery that is still waiting. */
function prefixDue(waiting: Delivery[], now: number): Delivery[] {
  const end = waiting.findIndex((d) => d.next_attempt_at > now)
  return end === -1 ? waiting : waiting.slice(0, end)
}
