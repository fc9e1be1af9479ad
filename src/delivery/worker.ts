import { randomUUID } from 'node:crypto'
import type { Dispatcher } from 'undici'
import type { TargetType } from '../../rules/schema.js'
import type { AppDeps, TargetState } from '../app/deps.js'
import { renderers as builtInRenderers } from '../platforms/index.js'
import type { Renderer } from '../render/types.js'
import { createSenders } from '../senders/index.js'
import type { Sender } from '../senders/types.js'
import { systemClock, type Clock } from './clock.js'
import { RateLimit } from './rate-limit.js'
import { step, type StepEnv } from './step.js'
import { SilenceBook } from '../silences/book.js'
import { HeldWindows } from './held-windows.js'
import { DueTimers } from './timers.js'

export type WorkerDeps = Omit<AppDeps, 'wake' | 'workerAlive'> & {
  clock?: Clock
  dispatcher?: Dispatcher
  renderers?: Record<TargetType, Renderer>
  senders?: Record<TargetType, Sender>
  random?: () => number
  /** Look at the store at least this often, for work another process queued (a retry from the CLI). */
  pollMs?: number
}

type Hold = { until: number; reason: 'rate' | 'retry' | 'lease' | 'error' }
const BATCH = 500
/**
 * After a pass over the store, wakes are gathered this long before the next pass. A lone webhook is still handled at
 * once; a stream of them (one a millisecond) makes one pass per few milliseconds for all that arrived, instead of a
 * pass (due targets, lease, queue read) per webhook, which cost more than the webhook itself.
 */
export const GATHER_MS = 5
const RECENT_MS = 61_000

/**
 * Sends what the store holds. One task per target at a time, so a robot gets its messages in the order their events
 * arrived and never a delivery while an older one waits there; a budget per robot in front of every send; digests
 * when more wait than the budget allows; retries from each platform's errcode table (src/platforms/<name>/errcodes.ts).
 */
export class Worker {
  private readonly clock: Clock
  private readonly renderers: Record<TargetType, Renderer>
  private readonly senders: Record<TargetType, Sender>
  private readonly limit = new RateLimit()
  private readonly owner = randomUUID()
  private readonly tasks = new Map<string, Promise<void>>()
  private readonly holds = new Map<string, Hold>()
  /** Deliveries whose last lone send may have reached the robot (StepEnv.mustResendAlone). */
  private readonly resendAlone = new Set<number>()
  /** Targets this process has sent to (or settled a delivery of) since it started. */
  private readonly servedSinceStart = new Set<string>()
  private readonly abort = new AbortController()
  private readonly silences: SilenceBook
  private readonly windows: HeldWindows
  private readonly timers: DueTimers
  private seeded: Promise<void> = Promise.resolve()
  private running = false
  private stopping = false
  private ticking?: Promise<void>
  private gathering?: Promise<void>
  /** A wake came while a pass was running or gathering: make one more pass. */
  private passRequested = false
  private cancelTimer?: () => void
  private timerAt = Infinity

  constructor(private readonly deps: WorkerDeps) {
    this.clock = deps.clock ?? systemClock
    this.renderers = deps.renderers ?? builtInRenderers
    this.silences = new SilenceBook(deps.store, deps.log)
    this.windows = new HeldWindows(deps.store)
    this.timers = new DueTimers(deps.store)
    this.senders = deps.senders ?? createSenders({ timeoutMs: deps.settings.deliveryTimeoutMs, dispatcher: deps.dispatcher, now: () => this.clock.now() })
  }

  start(): void {
    this.running = true
    this.seeded = this.seedBudget().catch((err: unknown) => {
      this.deps.log.warn({ err }, 'delivery worker: cannot read recent sends; starting with a full rate budget')
    })
    this.wake()
  }

  /** Something new may be due (an accept, a requeue). */
  wake(): void {
    // A requeued delivery may now be the head of a target that was waiting for a retry.
    for (const [t, h] of this.holds) if (h.reason === 'retry') this.holds.delete(t)
    this.requestPass()
  }

  /** Runs a pass over the due targets now, or right after the one running. */
  private requestPass(): void {
    if (!this.running || this.stopping) return
    if (this.ticking || this.gathering) {
      this.passRequested = true
      return
    }
    this.ticking = this.loop()
  }

  /** A silence was created or expired here: read them again on the next pass, which starts now. */
  silencesChanged(): void {
    this.silences.changed()
    this.requestPass()
  }

  alive(): boolean {
    return this.running && !this.stopping
  }

  /** Stop taking new work; let the sends in progress finish, aborting them after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true
    this.cancelTimer?.()
    let cancel = () => {}
    const late = new Promise<void>((resolve) => {
      cancel = systemClock.setTimeout(resolve, timeoutMs)
    })
    await Promise.race([this.whenIdle(), late])
    cancel()
    this.abort.abort()
    await this.whenIdle()
    this.running = false
  }

  /** Resolves when no tick and no target task is running (tests step a manual clock between these). */
  async whenIdle(): Promise<void> {
    while (this.ticking || this.tasks.size || this.gathering) {
      await this.ticking
      await Promise.all(this.tasks.values())
      await this.gathering
    }
  }

  /** For /api/status: which robots this worker holds back for their rate limit (the store counts what waits). */
  targetStates(): Record<string, TargetState> {
    const now = this.clock.now()
    const out: Record<string, TargetState> = {}
    for (const [name, target] of Object.entries(this.deps.rules.current.targets)) {
      const h = this.holds.get(name)
      const budgetLeft = this.limit.available(name, target.rate_per_minute, now)
      out[name] = h?.reason === 'rate' && h.until > now ? { rateLimitedUntil: new Date(h.until).toISOString(), budgetLeft } : { budgetLeft }
    }
    return out
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.passRequested = false
        await this.tick()
      } while (this.passRequested && !this.stopping)
    } catch (err) {
      this.deps.log.error({ err }, 'delivery worker: cannot read the store; trying again shortly')
    } finally {
      this.ticking = undefined
      this.schedule()
      this.gather()
    }
  }

  /**
   * After a restart the robot still counts what the last process sent in the past minute: take those sends from the
   * store (a digest counts once) so a crash loop cannot provoke the 10-minute block.
   */
  private async seedBudget(): Promise<void> {
    const now = this.clock.now()
    const seen = new Set<string>()
    for (const d of await this.deps.store.listDeliveries({ status: 'sent', limit: BATCH })) {
      const at = d.sent_at ? Date.parse(d.sent_at) : NaN
      const key = `${d.target}\0${d.digest_of ?? d.id}`
      if (!(now - at < RECENT_MS) || seen.has(key)) continue
      seen.add(key)
      this.limit.take(d.target, at)
    }
  }

  private async tick(): Promise<void> {
    const { store } = this.deps
    await this.seeded
    const now = this.clock.now()
    await this.silences.refresh(now)
    await this.windows.refresh(now)
    // Either failing (a store error, a bad row) is logged and tried again next pass: it must not stop the sends below.
    await this.besideSends('catch-ups', () => this.queueCatchUps(now))
    await this.besideSends('groups and reminders', () => this.queueTimers(now))
    // (The queue gauges are read from the store when /metrics is scraped, not on every tick of this hot loop.)
    // Every target with something due, however long another robot's queue is: one robot down with thousands queued
    // must not hide the others from the worker.
    for (const target of await store.dueTargets(now)) {
      if (this.tasks.has(target) || (this.holds.get(target)?.until ?? 0) > now || this.stopping) continue
      const task = this.runTarget(target).finally(() => {
        this.tasks.delete(target)
        // Work may have arrived while this target was busy (its tick skipped it); every stop leaves a hold or an
        // empty queue, so this cannot spin.
        this.requestPass()
      })
      this.tasks.set(target, task)
    }
  }

  /**
   * Silences and time intervals' windows that ended with a catch-up to send: claim each in the store (one replica
   * wins; the others get nothing) and queue its digests as deliveries, which the pass below then sends like any other.
   */
  private async queueCatchUps(now: number): Promise<void> {
    for (const id of this.silences.catchUpsDue(now)) {
      const targets = await this.deps.store.queueCatchUp(id, now)
      this.silences.changed()
      if (targets.length) this.deps.log.info({ silence: id, targets }, 'silence ended: catch-up digests queued')
    }
    for (const id of this.windows.due(now)) {
      const targets = await this.deps.store.queueCatchUp(id, now)
      this.windows.changed()
      if (targets.length) this.deps.log.info({ window: id, targets }, 'time interval ended: catch-up digests queued')
    }
  }

  private async besideSends(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step()
    } catch (err) {
      this.deps.log.error({ err, step: what }, `queueing ${what} failed; sending goes on, and it is tried again next pass`)
    }
  }

  /** Groups whose wait is over and reminders due: queued as deliveries (claimed in the store: one replica each). */
  private async queueTimers(now: number): Promise<void> {
    const { groups, reminders } = await this.timers.run(now)
    if (groups.length) this.deps.log.info({ targets: groups }, 'group wait over: group messages queued')
    if (reminders.length) this.deps.log.info({ targets: reminders }, 'pipeline still broken: reminders queued')
  }

  /** Wakes that come in the next GATHER_MS share one pass (system time: a manual test clock must not hold it). */
  private gather(): void {
    if (this.stopping) return
    this.gathering = new Promise<void>((resolve) => setTimeout(resolve, GATHER_MS)).then(() => {
      this.gathering = undefined
      if (this.passRequested) this.requestPass()
    })
  }

  /** Next look at the store: the earliest hold that ends, or the poll interval. */
  private schedule(): void {
    if (!this.running || this.stopping) return
    const now = this.clock.now()
    let at = now + (this.deps.pollMs ?? 5_000)
    for (const h of this.holds.values()) if (h.until > now) at = Math.min(at, h.until)
    // A silence that starts or ends: its catch-up is due, or what it held back may go.
    const change = this.silences.nextChange(now)
    if (change !== undefined) at = Math.min(at, change)
    // A time interval's window that ends: its catch-up is due.
    const end = this.windows.nextEnd(now)
    if (end !== undefined) at = Math.min(at, end)
    // A group's wait ends or a reminder is due.
    const timer = this.timers.nextChange(now)
    if (timer !== undefined) at = Math.min(at, timer)
    if (at >= this.timerAt && this.timerAt > now) return
    this.cancelTimer?.()
    this.timerAt = at
    this.cancelTimer = this.clock.setTimeout(() => {
      this.timerAt = Infinity
      this.requestPass()
    }, at - now)
  }

  private hold(target: string, until: number, reason: Hold['reason']): void {
    this.holds.set(target, { until, reason })
  }

  /** Works one target until nothing can go out right now. */
  private async runTarget(name: string): Promise<void> {
    const { store } = this.deps
    const leaseMs = this.deps.settings.deliveryTimeoutMs * 2 + 30_000
    const renew = async () => {
      if (store.leaseTarget && !(await store.leaseTarget(name, this.owner, leaseMs, this.clock.now()))) {
        throw new LeaseLost(name)
      }
    }
    const env: StepEnv = {
      store,
      rules: this.deps.rules.current,
      rulesLoadedAt: this.deps.rules.loadedAtMs,
      settings: this.deps.settings,
      log: this.deps.log,
      metrics: this.deps.metrics,
      clock: this.clock,
      limit: this.limit,
      platforms: { renderers: this.renderers, senders: this.senders },
      sending: { random: this.deps.random ?? Math.random, signal: this.abort.signal, renew },
      mustResendAlone: (id) => this.resendAlone.has(id),
      firstSinceStart: false,
      silences: this.silences,
    }
    try {
      await renew()
      // Several replicas on one store: the robot's budget is global. Whoever holds the lease starts from what the
      // previous holder recorded, and records every change for the next one.
      const shared = await store.loadBucket?.(name)
      if (shared) {
        this.limit.merge(name, shared.sends)
        if ((shared.blockedUntil ?? 0) > this.clock.now()) return this.hold(name, shared.blockedUntil!, 'rate')
      }
      while (!this.stopping) {
        const r = await step({ ...env, rules: this.deps.rules.current, rulesLoadedAt: this.deps.rules.loadedAtMs, firstSinceStart: !this.servedSinceStart.has(name) }, name)
        if (r.kind === 'progress') this.servedSinceStart.add(name)
        if (r.kind !== 'idle' && r.resendAlone) {
          if (r.resendAlone.alone) this.resendAlone.add(r.resendAlone.id)
          else this.resendAlone.delete(r.resendAlone.id)
        }
        if (r.kind === 'hold') this.hold(name, r.until, r.reason)
        const blockedUntil = r.kind === 'hold' && r.reason === 'rate' ? r.until : undefined
        await store.saveBucket?.(name, { sends: this.limit.snapshot(name, this.clock.now()), ...(blockedUntil ? { blockedUntil } : {}) })
        if (r.kind !== 'progress') break
      }
    } catch (err) {
      if (err instanceof LeaseLost) return this.hold(name, this.clock.now() + 5_000, 'lease')
      this.deps.log.error({ err, target: name }, 'delivery worker: target step failed; trying again shortly')
      this.hold(name, this.clock.now() + 5_000, 'error')
    } finally {
      await store.releaseTarget?.(name, this.owner)
    }
  }
}

class LeaseLost extends Error {
  constructor(target: string) {
    super(`another replica holds the lease on target "${target}"`)
  }
}
