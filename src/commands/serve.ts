import { existsSync } from 'node:fs'
import { join, relative, isAbsolute } from 'node:path'
import type { AddressInfo } from 'node:net'
import { ConfigError } from '../errors.js'
import { loadSettings, settingSecrets, type Settings } from '../settings/settings.js'
import { SETTINGS } from '../settings/settings-spec.js'
import { crashHandler, createLogger, flushLogs, type Logger } from '../log.js'
import { createMetrics } from '../metrics.js'
import { openStore } from '../store/open.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { Worker } from '../delivery/worker.js'
import { createApp } from '../http/server.js'
import type { AppDeps } from '../app/deps.js'
import { packageRoot, packageVersion } from '../serve/package-root.js'
import { rulesSecrets } from '../../rules/secrets.js'
import { banner, openWarnings } from '../serve/banner.js'
import { onShutdown } from '../serve/shutdown.js'
import { startRetention } from '../serve/retention.js'
import { listen, ListenError } from '../serve/listen.js'

/** `ci-notify serve`: settings → logger → store → rules → app → worker → HTTP. Returns -1: it runs until a signal. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help())
    return 0
  }
  let settings: Settings
  try {
    settings = loadSettings(process.env, argv, { isTTY: process.stdout.isTTY })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`ci-notify serve: ${err.message}\n`)
    return 1
  }

  const root = packageRoot()
  const version = packageVersion(root)
  const example = !settings.rulesFileExplicit && !existsSync(settings.rulesFile)
  if (example) settings = { ...settings, rulesFile: join(root, 'rules.example.yaml'), dryRun: true }

  let loaded: RulesRuntime | undefined
  const fixed = settingSecrets(settings)
  let memo: { rules?: object; secrets: string[] } = { secrets: fixed }
  const metrics = createMetrics({ defaults: true })
  const log = createLogger({
    onDrop: () => metrics.logLinesDropped.inc(),
    level: settings.logLevel,
    format: settings.logFormat,
    // Asked per line; recomputed only when a reload brought new rules.
    secrets: () => {
      const current = loaded?.current
      if (current !== memo.rules) memo = { rules: current, secrets: [...fixed, ...rulesSecrets(current)] }
      return memo.secrets
    },
  })
  // Node's default report of a crash is an unredacted stack on stderr; a robot URL in an error must not leak that way.
  const crash = crashHandler(log)
  process.on('uncaughtException', crash('uncaught exception'))
  process.on('unhandledRejection', crash('unhandled promise rejection'))
  if (example) log.warn({ rulesFile: settings.rulesFile }, `no ${relative(process.cwd(), 'rules.yaml') || 'rules.yaml'} found and RULES_FILE not set: running the example rules in dry-run (messages are logged, not sent)`)
  for (const w of openWarnings(settings)) log.warn(`WARNING: ${w}`)

  let rules: RulesRuntime
  try {
    rules = RulesRuntime.load(settings.rulesFile, { env: process.env, log, metrics })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    log.fatal({ rulesFile: settings.rulesFile, problems: err.problems }, `cannot start: ${err.message}`)
    return 1
  }
  loaded = rules
  let store: Awaited<ReturnType<typeof openStore>>
  try {
    store = await openStore(settings, log)
  } catch (err) {
    if (err instanceof ConfigError) log.fatal(`cannot start: ${err.message}`)
    else log.fatal({ err, dataDir: settings.dataDir }, 'cannot start: the store cannot be opened')
    rules.close()
    return 1
  }

  const base = { settings, store, rules, log, metrics, startedAt: new Date(), version }
  const worker = new Worker(base)
  const deps: AppDeps = { ...base, wake: () => worker.wake(), silencesChanged: () => worker.silencesChanged(), workerAlive: () => worker.alive(), targetStates: () => worker.targetStates() }
  const app = createApp(deps)
  let server: Awaited<ReturnType<typeof listen>>
  try {
    server = await listen(app.fetch, settings)
  } catch (err) {
    if (!(err instanceof ListenError)) throw err
    log.fatal(`cannot start: ${err.message}`)
    rules.close()
    await store.close()
    await flushLogs(log)
    return 1
  }
  const port = (server.address() as AddressInfo).port
  worker.start()
  rules.watch()
  const retention = startRetention({ store, days: settings.retentionDays, log })

  process.on('SIGHUP', () => {
    // The runtime logs the outcome (and keeps the old rules on a bad file).
    log.info({ file: settings.rulesFile }, 'SIGHUP: reloading the rules')
    try {
      rules.reload()
    } catch {
      // A ConfigError (reload() throws nothing else), logged with its location by the runtime; the previous rules
      // keep running. Rethrowing from a signal handler would stop the server.
    }
  })
  onShutdown({
    server,
    log,
    steps: [
      { name: 'rules watch', close: () => rules.close() },
      { name: 'retention', close: () => retention.close() },
      { name: 'worker', close: () => worker.stop(10_000) },
      { name: 'store', close: () => store.close() },
    ],
  })

  log.info({ host: settings.host, port, version, rulesFile: settings.rulesFile, dryRun: settings.dryRun }, 'listening')
  process.stderr.write(banner({ settings, port, version, rulesFile: display(settings.rulesFile), example, examplePayload: display(join(root, 'examples/gitlab-deployment-production-failed.json')), configured: rules.current.sources }))
  return -1
}

/** Paths under the working folder are shown relative, as a user types them. */
function display(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

function help(): string {
  const rows = SETTINGS.map((s) => `  --${(s.flag + (s.boolean ? '' : ' <v>')).padEnd(28)} ${s.env.padEnd(22)} ${(s.default ?? '').padEnd(10)} ${s.meaning}`)
  return [
    'usage: ci-notify serve [flags]',
    '',
    'Every flag has an env var (the flag wins). Secrets can also come from a file: <ENV>_FILE or --<flag>-file.',
    '',
    `  ${'flag'.padEnd(30)} ${'env'.padEnd(22)} ${'default'.padEnd(10)} meaning`,
    ...rows,
    '',
  ].join('\n')
}
