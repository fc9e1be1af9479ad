import { adapters, SOURCES, type Source } from '../../adapters/index.js'
import { GO_DURATION, parseGoDuration } from '../duration.js'
import { ConfigError } from '../errors.js'

/**
 * One row per setting: its env var, its `ci-notify serve` flag, default and meaning. `loadSettings` reads this table,
 * `ci-notify serve --help` prints it, and docs/operating.md's settings table is generated from it
 * (src/docs/settings-table.ts, `npm run docs`).
 * `parse` throws ConfigError with what is wrong; the caller prefixes the setting's name.
 */
export type SettingSpec = {
  key: string
  env: string
  flag: string
  default?: string
  meaning: string
  /** Also readable from `<ENV>_FILE` / `--<flag>-file`; redacted from logs. */
  secret?: boolean
  /** The CI source whose webhook secret this is (Settings.secrets[source]); its row comes from the source's folder. */
  source?: Source
  boolean?: boolean
  parse: (v: string) => unknown
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export const SETTINGS: SettingSpec[] = [
  { key: 'port', env: 'PORT', flag: 'port', default: '8080', meaning: 'TCP port of the HTTP server (0 = any free port)', parse: port },
  { key: 'host', env: 'HOST', flag: 'host', default: '0.0.0.0', meaning: 'Address to listen on', parse: nonEmpty },
  { key: 'rulesFile', env: 'RULES_FILE', flag: 'rules-file', default: 'rules.yaml', meaning: 'The rules file; reloaded on change, SIGHUP and POST /-/reload. When unset and ./rules.yaml is missing, rules.example.yaml runs in dry-run', parse: nonEmpty },
  { key: 'dataDir', env: 'DATA_DIR', flag: 'data-dir', default: './data', meaning: 'Folder of the embedded SQLite store (events, deliveries, pipeline states)', parse: nonEmpty },
  { key: 'databaseUrl', env: 'DATABASE_URL', flag: 'database-url', meaning: 'PostgreSQL URL (postgres://user:password@host:5432/db) instead of the embedded SQLite store: every replica pointed at one database runs as one instance', secret: true, parse: databaseUrl },
  { key: 'dbPoolSize', env: 'DB_POOL_SIZE', flag: 'db-pool-size', default: '10', meaning: 'PostgreSQL connections per replica (replicas × size ≤ the server\'s max_connections)', parse: positiveInt },
  { key: 'retentionDays', env: 'RETENTION_DAYS', flag: 'retention-days', default: '30', meaning: 'Events (and their finished deliveries) older than this many days are deleted, hourly; pending deliveries are never deleted', parse: positiveInt },
  { key: 'adminToken', env: 'ADMIN_TOKEN', flag: 'admin-token', meaning: 'Bearer token for /api/* and /-/reload, and the token the console (/console/) asks at login; unset = open (warned at start)', secret: true, parse: secret },
  { key: 'consoleSessionMs', env: 'CONSOLE_SESSION', flag: 'console-session', default: '12h', meaning: 'How long a console login (/console/, with ADMIN_TOKEN) lasts before the token is asked again (m, h, d)', parse: duration },
  // One row per CI source, from its declaration (Adapter.secret).
  ...SOURCES.map((name): SettingSpec => ({ key: `secret:${name}`, ...adapters[name].secret, secret: true, source: name, parse: secret })),
  { key: 'dryRun', env: 'DRY_RUN', flag: 'dry-run', boolean: true, default: 'false', meaning: 'Render and log messages, never post them (status dry_run)', parse: bool },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: 'log-level', default: 'info', meaning: LOG_LEVELS.join(' | '), parse: logLevel },
  { key: 'logFormat', env: 'LOG_FORMAT', flag: 'log-format', meaning: 'json | pretty (default: pretty on a terminal, json otherwise)', parse: logFormat },
  { key: 'bodyLimit', env: 'BODY_LIMIT', flag: 'body-limit', default: '1mb', meaning: 'Largest webhook body: bytes, or with kb / mb; larger → 413', parse: bytes },
  { key: 'inFlightLimit', env: 'IN_FLIGHT_LIMIT', flag: 'in-flight-limit', default: '32mb', meaning: 'Bytes of webhook bodies being received at once, per source (at least BODY_LIMIT); beyond it → 503 with Retry-After, nothing stored. A source whose secret travels in a header (GitLab, Jenkins) counts a body only once its secret is right', parse: bytes },
  { key: 'requestTimeoutMs', env: 'REQUEST_TIMEOUT', flag: 'request-timeout', default: '30s', meaning: 'A webhook not fully received within this time is cut off with 408 (slow clients); its headers must arrive within a third of it, at most 10 s (ms, s, m, h; e.g. 1m30s)', parse: duration },
  { key: 'deliveryTimeoutMs', env: 'DELIVERY_TIMEOUT', flag: 'delivery-timeout', default: '10s', meaning: 'Timeout of one robot HTTP call (ms, s, m, h; e.g. 1m30s)', parse: duration },
  { key: 'retryMaxAgeMs', env: 'RETRY_MAX_AGE', flag: 'retry-max-age', default: '24h', meaning: 'A delivery still failing after this long goes to the dead letters (s, m, h, d; e.g. 1d12h)', parse: duration },
]

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new ConfigError(`"${v}" is not a whole number of at least 1`)
  return Number(v)
}

function nonEmpty(v: string): string {
  if (!v.trim()) throw new ConfigError('must not be empty')
  return v
}

function port(v: string): number {
  const n = Number(v)
  if (!/^\d+$/.test(v) || n > 65535) throw new ConfigError(`"${v}" is not a port number (0-65535)`)
  return n
}

function bool(v: string): boolean {
  const s = v.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(s)) return true
  if (['0', 'false', 'no', 'off'].includes(s)) return false
  throw new ConfigError(`"${v}" is not a boolean (true/false, 1/0, yes/no, on/off)`)
}

function logLevel(v: string): string {
  if (!LOG_LEVELS.includes(v)) throw new ConfigError(`"${v}" is not one of ${LOG_LEVELS.join(', ')}`)
  return v
}

function logFormat(v: string): 'json' | 'pretty' {
  if (v !== 'json' && v !== 'pretty') throw new ConfigError(`"${v}" is not json or pretty`)
  return v
}

/** Never echoes the value: a bad secret must not land in a log or a terminal scrollback. */
function secret(v: string): string {
  if (v.length < 8) throw new ConfigError(`too short (${v.length} characters); use at least 8, e.g. \`openssl rand -hex 20\``)
  return v
}

function databaseUrl(v: string): string {
  let url: URL
  try {
    url = new URL(v)
  } catch {
    throw new ConfigError('not a URL (postgres://user:password@host:5432/db)')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError(`unsupported scheme "${url.protocol}" (postgres:// or postgresql://)`)
  return v
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 }

function bytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v.trim())
  const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined
  if (!m || unit === undefined) throw new ConfigError(`"${v}" is not a size (e.g. 1048576, 512kb, 1mb)`)
  const n = Math.floor(Number(m[1]) * unit)
  if (n < 1024) throw new ConfigError(`"${v}" is too small (at least 1kb: CI payloads are rarely smaller)`)
  return n
}

function duration(v: string): number {
  const text = v.trim().toLowerCase()
  if (!GO_DURATION.test(text)) throw new ConfigError(`"${v}" is not a duration with a unit (e.g. 500ms, 10s, 5m, 24h, 1h30m, 2d)`)
  const n = parseGoDuration(text)
  if (n === undefined || n < 1) throw new ConfigError(`"${v}" must be more than 0`)
  return n
}
