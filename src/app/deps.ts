import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import type { Settings } from '../settings/settings.js'
import type { Store } from '../store/types.js'
import type { RulesRuntime } from '../../rules/runtime.js'

/** What the worker knows of a target that the store does not: a rate-limit block it is waiting out, and the sends its
 * budget still allows this minute (what this replica has counted). */
export type TargetState = { rateLimitedUntil?: string; budgetLeft?: number }

/** What the HTTP layer and the worker are built from; assembled once in src/commands/serve.ts (and in tests). */
export type AppDeps = {
  settings: Settings
  store: Store
  rules: RulesRuntime
  log: Logger
  metrics: Metrics
  /** Wakes the delivery worker after an accept; a no-op when no worker runs (tests of the HTTP layer). */
  wake: () => void
  /** Liveness of the worker for /readyz. */
  workerAlive: () => boolean
  /** Per-target delivery state for /api/status (the worker's `targetStates()`); absent when no worker runs. */
  targetStates?: () => Record<string, TargetState>
  /** Tells the worker the silences changed (created or expired here), so it reads them again at once. */
  silencesChanged?: () => void
  /** Epoch ms; tests inject their clock (silences start, end and are listed by it). Date.now() when absent. */
  now?: () => number
  startedAt: Date
  version: string
}
