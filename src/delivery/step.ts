import type { CompiledRules, NamedTarget } from '../../rules/compile.js'
import type { TargetType } from '../../rules/schema.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { Renderer, RenderInput } from '../render/types.js'
import type { Settings } from '../settings/settings.js'
import type { Sender } from '../senders/types.js'
import type { Delivery, Store } from '../store/types.js'
import { rulesSecrets } from '../../rules/secrets.js'
import { platformOf } from '../platforms/index.js'
import type { Platform } from '../platforms/common/types.js'
import { alreadySent, attempt, type AttemptCtx, type Batch } from './attempt.js'
import { ownMessageOf, type OwnMessage } from './own-message.js'
import { chooseBatch, type Choice } from './choose.js'
import { gate, type Budget, type Hold } from './gate.js'
import type { Clock } from './clock.js'
import { plan, type Plan } from './plan.js'
import type { RateLimit } from './rate-limit.js'
import { renderInputs } from './render-inputs.js'
import { finish, yielder, type Turn } from './yielder.js'
import { silenceDue } from './silence-due.js'
import { endIfNotAsked } from './reminder-end.js'
import { mutedBy } from '../../rules/hold.js'
import type { SilenceBook } from '../silences/book.js'

export type StepEnv = {
  store: Store
  rules: CompiledRules
  /** When `rules` were loaded (epoch ms): a reminder started after that is not this replica's to end (./reminder-end.ts). */
  rulesLoadedAt: number
  settings: Settings
  clock: Clock
  limit: RateLimit
  log: Logger
  metrics: Metrics
  /** Per target type: how its messages are rendered and posted. */
  platforms: { renderers: Record<TargetType, Renderer>; senders: Record<TargetType, Sender> }
  sending: Pick<AttemptCtx, 'random' | 'signal' | 'renew'>
  /**
   * Whether this delivery's last lone send may have reached the robot (a timeout, or the process died mid-send): it
   * goes out alone again with its own msgUuid, which DingTalk absorbs, never inside a digest it would show in full.
   */
  mustResendAlone: (deliveryId: number) => boolean
  /** The first send to this target since the process started: its head may have been in flight at a crash. */
  firstSinceStart: boolean
  /** The silences in force (src/silences/book.ts), checked against what is about to be sent. */
  silences: Pick<SilenceBook, 'covering'>
}

/**
 * `progress`: something changed, look again; `idle`: nothing waits; `hold`: nothing can go out before `until`.
 * `resendAlone` tells the caller what to remember of the send just made (see StepEnv.mustResendAlone).
 */
export type StepResult =
  | { kind: 'progress'; resendAlone?: { id: number; alone: boolean } }
  | { kind: 'idle' }
  | ({ kind: 'hold'; resendAlone?: { id: number; alone: boolean } } & Hold)

const BATCH = 500

type Pacing = Pick<Platform, 'minGapMs' | 'avoid'>

/**
 * One move for one target: the head of its queue alone, or a digest of everything due when more wait than the
 * robot's budget allows, or the store updates for a dry run, a removed target or a missing event. Three stages: the
 * gate (can anything go now?), the choice (which deliveries), the send (render, plan, attempt).
 */
export async function step(env: StepEnv, name: string): Promise<StepResult> {
  const now = env.clock.now()
  // The head alone says whether anything can go out now. A robot held by its budget is looked at again after every
  // send, and reading its whole backlog each time (hundreds of rows) would cost more than the send. A move that sends
  // reads twice (one more round trip on PostgreSQL); one that waits, once and one row.
  const [first] = await env.store.waitingFor(name, 1)
  if (!first) return { kind: 'idle' }
  const target = env.rules.targets[name]
  if (!target) return removedTarget(env, name)
  const dry = env.settings.dryRun || !target.webhook
  // Silenced deliveries leave the queue before the budget is asked: muting costs the robot nothing.
  const muting = first.next_attempt_at <= now ? env.silences.covering(name, now) : []
  if (muting.length && (await silenceDue(env, name, await env.store.waitingFor(name, BATCH), muting, now))) return { kind: 'progress' }
  const reminding = first.reminder_since !== undefined && first.next_attempt_at <= now
  if (reminding && (await endIfNotAsked(env, first, name))) return { kind: 'progress' }
  const remindRule = reminding ? env.rules.rules.find((r) => r.name === first.route.remind?.rule) : undefined
  // A reminder due while its rule's time intervals mute it is skipped (recorded as silenced by the interval), not held
  // for a catch-up: the next one, after the interval, says the same and more.
  const quiet = remindRule?.muting && mutedBy(remindRule.muting, now)
  if (quiet) {
    await env.store.markSilenced([first.id], `interval:${quiet}`)
    env.metrics.deliveries.inc({ target: name, result: 'silenced' })
    env.log.info({ target: name, deliveries: [first.id], interval: quiet }, 'reminder skipped: its rule is muted now')
    return { kind: 'progress' }
  }
  const budget = budgetOf(env.limit, name, target.rate_per_minute ?? 20, platformOf(target.type), now)
  const held = gate(first, now, dry, budget)
  if (held) return hold(env, name, held)

  // Something can go out: now the backlog, as much as a digest may take. Its head is read again: a dead letter
  // requeued meanwhile comes first, and may not be due.
  const waiting = await env.store.waitingFor(name, BATCH)
  if (!waiting.length) return { kind: 'idle' }
  const heldNow = gate(waiting[0], now, dry, budget)
  if (heldNow) return hold(env, name, heldNow)
  const head = waiting[0]
  // One turn of the event loop at a time for the whole move: reading the events, then rendering them.
  const turn = yielder()
  const own = ownMessageOf(head)
  if (own) return ownMessage(env, target, head, budget, dry, turn, own)
  const choice = chooseBatch(waiting, now, {
    dry,
    available: budget.available,
    perWindow: budget.perWindow,
    headMayHaveReachedRobot: env.mustResendAlone(head.id) || env.firstSinceStart,
  })

  const { ready, missing } = await renderInputs(env.store, env.rules, target, choice.due, turn)
  for (const d of missing) await env.store.markDead(d.id, { errmsg: `event ${d.event_id} not found in the store`, attempted: false })
  if (missing.length) return { kind: 'progress' }
  if (dry) return dryRun(env, target, ready, waiting.length, turn)
  return send(env, target, ready, choice, budget, turn, waiting.length)
}

/** Renders the chosen deliveries (one message, or a digest as the plan decides) and attempts the send. */
async function send(
  env: StepEnv,
  target: NamedTarget,
  ready: { delivery: Delivery; input: RenderInput }[],
  choice: Choice,
  budget: Budget,
  turn: Turn,
  waiting: number,
): Promise<StepResult> {
  const renderer = env.platforms.renderers[target.type]
  const inputs = ready.map((r) => r.input)
  let p: Plan
  try {
    p = choice.resumed
      ? { count: inputs.length, messages: await finish(renderer.digest(inputs), turn), digest: true }
      : await plan(renderer, inputs, { available: choice.sends, perWindow: budget.perWindow }, turn)
  } catch (err) {
    return renderFailed(env, target, choice.due.slice(0, 1), err, waiting)
  }
  const batch: Batch = {
    target,
    deliveries: choice.due.slice(0, p.count),
    inputs: inputs.slice(0, p.count),
    messages: p.messages,
    digest: p.digest,
  }
  return attemptBatch(env, batch, budget)
}

/**
 * A delivery that is a message of its own, not one event's (src/delivery/own-message.ts): a catch-up, a group's
 * message, a reminder. Built from the store, sent alone.
 */
async function ownMessage(env: StepEnv, target: NamedTarget, head: Delivery, budget: Budget, dry: boolean, turn: Turn, own: OwnMessage): Promise<StepResult> {
  const renderer = env.platforms.renderers[target.type]
  let batch: Batch
  try {
    batch = await own.batch(env.store, env.rules, renderer, target, head, turn)
  } catch (err) {
    return renderFailed(env, target, [head], err, 1)
  }
  if (dry) {
    env.log.info({ target: target.name, delivery: head.id, messages: batch.messages }, `dry run: ${own.name} rendered, not posted`)
    await env.store.markDryRun([head.id], new Date(env.clock.now()))
    env.metrics.deliveries.inc({ target: target.name, result: 'dry_run' })
    return { kind: 'progress' }
  }
  const r = await attemptBatch(env, batch, budget)
  if (r.kind === 'progress' && (await env.store.getDelivery(head.id))?.status === 'sent') own.sent?.(env.metrics, target.name)
  return r
}

/** Within the budget, attempts the batch: the outcome as the worker's next move. */
async function attemptBatch(env: StepEnv, batch: Batch, budget: Budget): Promise<StepResult> {
  const { target } = batch
  const toSend = batch.messages.length - alreadySent(batch)
  if (toSend > budget.available) return hold(env, target.name, { until: budget.readyAt(toSend), reason: 'rate' })
  const ctx: AttemptCtx = {
    ...env.sending,
    store: env.store,
    log: env.log,
    metrics: env.metrics,
    clock: env.clock,
    limit: env.limit,
    sender: env.platforms.senders[target.type],
    retryMaxAgeMs: env.settings.retryMaxAgeMs,
    secrets: rulesSecrets(env.rules),
    minGapMs: budget.minGapMs,
  }
  const outcome = await attempt(ctx, batch)
  // A lone send that may have reached the robot goes alone again; anything else clears the mark.
  const resendAlone = { id: batch.deliveries[0].id, alone: outcome.kind === 'retry' && !batch.digest }
  if (outcome.kind === 'retry') return { kind: 'hold', until: outcome.at, reason: outcome.rateLimited ? 'rate' : 'retry', resendAlone }
  return { kind: 'progress', resendAlone }
}

/** The robot's budget now: its per-minute rate, its platform's least gap between sends and the instants it avoids. */
function budgetOf(limit: RateLimit, name: string, perWindow: number, pacing: Pacing, now: number): Budget {
  const paced = limit.paceAt(name, perWindow, now, pacing.minGapMs)
  return {
    perWindow,
    available: limit.available(name, perWindow, now),
    readyAt: (k) => limit.readyAt(name, perWindow, Math.min(k, perWindow), now),
    paceAt: pacing.avoid?.(paced) ?? paced,
    minGapMs: pacing.minGapMs ?? 0,
  }
}

function hold(env: StepEnv, name: string, h: Hold): StepResult {
  if (h.reason === 'rate') env.metrics.rateLimitWaits.inc({ target: name })
  return { kind: 'hold', ...h }
}

/** Deliveries for a target the rules no longer name: dead letters, a batch at a time. */
async function removedTarget(env: StepEnv, name: string): Promise<StepResult> {
  const waiting = await env.store.waitingFor(name, BATCH)
  const errmsg = `target "${name}" is not in the rules file any more (removed on reload); retry it after restoring the target`
  let dead = 0
  for (const d of waiting) {
    // A reminder ends with its target (else every interval would queue one more dead letter).
    if (d.reminder_since !== undefined && (await endIfNotAsked(env, d, name))) continue
    await env.store.markDead(d.id, { errmsg, attempted: false })
    dead++
  }
  env.metrics.deliveries.inc({ target: name, result: 'dead' }, dead)
  env.log.warn({ target: name, deliveries: dead }, 'deliveries for a removed target: dead letters')
  return { kind: 'progress' }
}

async function dryRun(env: StepEnv, target: NamedTarget, ready: { delivery: Delivery; input: RenderInput }[], n: number, turn: Turn): Promise<StepResult> {
  const renderer = env.platforms.renderers[target.type]
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
