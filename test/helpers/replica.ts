import { parseRules } from '../../rules/load.js'
import { RulesRuntime } from '../../rules/runtime.js'
import type { Clock } from '../../src/delivery/clock.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import { defaultSettings, type Settings } from '../../src/settings/settings.js'
import type { Store } from '../../src/store/types.js'
import { captureLogs } from './log-capture.js'

/**
 * What one replica's worker (and HTTP app) is built from: its own store handle, rules (its own, from `yaml`, or a
 * runtime the replicas share), logs and metrics, a shared clock.
 */
export function replicaBase<S extends Store>(o: { store: S; yaml?: string; rules?: RulesRuntime; clock: Clock; settings?: Partial<Settings> }) {
  const { destination } = captureLogs()
  return {
    settings: defaultSettings({ deliveryTimeoutMs: 5_000, ...o.settings }),
    store: o.store,
    rules: o.rules ?? RulesRuntime.fromCompiled(parseRules(o.yaml ?? '', { file: '<inline>', env: {} })),
    log: createLogger({ level: 'debug', destination }),
    metrics: createMetrics(),
    startedAt: new Date(o.clock.now()),
    version: 'test',
    clock: o.clock,
  }
}
