import type { AppDeps } from '../../src/app/deps.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import { defaultSettings, type Settings } from '../../src/settings/settings.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { parseRules } from '../../rules/load.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { captureLogs } from './log-capture.js'

export const DEFAULT_RULES_YAML = `
targets:
  ops:
    type: dingtalk
    webhook: ""
rules:
  - name: everything
    notify: [ops]
`

export type TestDeps = AppDeps & {
  /** Every log line the app wrote, as JSON text. */
  logs: string[]
  close(): Promise<void>
}

/**
 * AppDeps for tests: in-memory SQLite, rules parsed from inline YAML (`${VAR}` from `env`), logs captured in `logs`,
 * fresh metrics, no worker. The logger is given no secrets to redact, so a test asserting a secret is absent from
 * `logs` proves the code never wrote it (production redaction is a second line of defence).
 */
export async function testDeps(o: { rulesYaml?: string; settings?: Partial<Settings>; env?: Record<string, string> } = {}): Promise<TestDeps> {
  const { logs, destination } = captureLogs()
  const store = new SqliteStore(':memory:')
  return {
    settings: defaultSettings(o.settings),
    store,
    rules: RulesRuntime.fromCompiled(parseRules(o.rulesYaml ?? DEFAULT_RULES_YAML, { file: '<inline>', env: o.env ?? {} })),
    log: createLogger({ level: 'debug', destination }),
    metrics: createMetrics(),
    wake: () => {},
    workerAlive: () => true,
    startedAt: new Date(),
    version: 'test',
    logs,
    close: () => store.close(),
  }
}
