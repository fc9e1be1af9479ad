import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Source } from '../../adapters/index.js'
import { ConfigError } from '../errors.js'
import { SETTINGS, type SettingSpec } from './settings-spec.js'

/**
 * Runtime settings: env vars, `ci-notify serve` flags (a flag wins over its env var), `*_FILE` secrets, validation.
 * This is the shape every other module reads. The table of every setting lives in src/settings/settings-spec.ts.
 */
export type Settings = {
  port: number
  host: string
  rulesFile: string
  /** True when RULES_FILE or --rules-file was given; otherwise serve may fall back to rules.example.yaml. */
  rulesFileExplicit?: boolean
  dataDir: string
  databaseUrl?: string
  /** PostgreSQL pool size per replica. */
  dbPoolSize: number
  adminToken?: string
  /** How long a console session lasts, ms. */
  consoleSessionMs: number
  /** Each CI source's webhook secret (its token or signing key), by source; unset = that endpoint is open. */
  secrets: Partial<Record<Source, string>>
  dryRun: boolean
  logLevel: string
  logFormat: 'json' | 'pretty'
  /** Max webhook body, bytes. */
  bodyLimit: number
  /** Max bytes of all webhook bodies being received at once. */
  inFlightLimit: number
  /** A webhook request (headers and body) must be received within this, ms. */
  requestTimeoutMs: number
  /** One robot HTTP call, ms. */
  deliveryTimeoutMs: number
  /** A delivery still failing after this long goes to the dead letters, ms. */
  retryMaxAgeMs: number
  retentionDays: number
}

export const defaultSettings = (over: Partial<Settings> = {}): Settings => ({
  port: 8080,
  host: '0.0.0.0',
  rulesFile: 'rules.yaml',
  dataDir: './data',
  secrets: {},
  dryRun: false,
  logLevel: 'info',
  logFormat: 'json',
  bodyLimit: 1024 * 1024,
  inFlightLimit: 32 * 1024 * 1024,
  deliveryTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  retryMaxAgeMs: 24 * 3600_000,
  retentionDays: 30,
  dbPoolSize: 10,
  consoleSessionMs: 12 * 3600_000,
  ...over,
})

/** Every secret value in the settings, for log redaction. */
export function settingSecrets(s: Settings): string[] {
  const out = [s.adminToken, ...Object.values(s.secrets)]
  if (s.databaseUrl) {
    out.push(s.databaseUrl)
    const password = passwordOf(s.databaseUrl)
    if (password) out.push(password, encodeURIComponent(password))
  }
  return out.filter((v): v is string => !!v)
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined // loadSettings already rejected a malformed URL; a hand-built Settings has nothing to add
  }
}

/**
 * Settings from the environment and `ci-notify serve` flags. Throws ConfigError naming every bad setting.
 * `o.isTTY` picks the default log format (pretty on a terminal, JSON otherwise).
 */
export function loadSettings(env: Record<string, string | undefined>, argv: string[], o: { isTTY?: boolean } = {}): Settings {
  const flags = parseFlags(argv)
  const problems: string[] = []
  const raw: Record<string, string | undefined> = {}
  for (const spec of SETTINGS) {
    try {
      raw[spec.key] = rawValue(spec, env, flags)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      problems.push(err.message)
    }
  }
  const out: Record<string, unknown> = {}
  for (const spec of SETTINGS) {
    const value = raw[spec.key]
    const effective = value ?? (spec.key === 'logFormat' ? (o.isTTY ? 'pretty' : 'json') : spec.default)
    if (effective === undefined) continue
    try {
      out[spec.key] = spec.parse(effective)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      problems.push(`${spec.env} (${'--' + spec.flag}): ${err.message}`)
    }
  }
  const bodyLimit = (out.bodyLimit as number | undefined) ?? defaultSettings().bodyLimit
  const inFlight = out.inFlightLimit as number | undefined
  if (inFlight !== undefined && inFlight < bodyLimit) {
    problems.push(`IN_FLIGHT_LIMIT (--in-flight-limit): ${inFlight} bytes is less than BODY_LIMIT (${bodyLimit} bytes): a body of the largest size could never be received`)
  }
  if (problems.length) throw new ConfigError(`bad settings:\n  ${problems.join('\n  ')}`, problems)
  const secrets: Settings['secrets'] = {}
  for (const spec of SETTINGS) {
    if (!spec.source) continue
    secrets[spec.source] = out[spec.key] as string | undefined
    delete out[spec.key]
  }
  return defaultSettings({ ...(out as Partial<Settings>), rulesFileExplicit: raw.rulesFile !== undefined, secrets })
}

type Flags = Record<string, string | boolean | undefined>

function parseFlags(argv: string[]): Flags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {}
  for (const s of SETTINGS) {
    options[s.flag] = { type: s.boolean ? 'boolean' : 'string' }
    if (s.secret) options[`${s.flag}-file`] = { type: 'string' }
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Flags
  } catch (err) {
    throw new ConfigError(`ci-notify serve: ${(err as Error).message} ('ci-notify serve --help' lists the flags)`)
  }
}

/** Flag, then flag file, then env var, then env file. Both a value and a file for one setting is ambiguous. */
function rawValue(spec: SettingSpec, env: Record<string, string | undefined>, flags: Flags): string | undefined {
  const flag = flags[spec.flag]
  const flagFile = spec.secret ? (flags[`${spec.flag}-file`] as string | undefined) : undefined
  if (flag !== undefined && flagFile !== undefined) throw new ConfigError(`--${spec.flag} and --${spec.flag}-file are both given; use one`)
  if (flag !== undefined) return typeof flag === 'boolean' ? String(flag) : flag
  if (flagFile !== undefined) return readSecretFile(`--${spec.flag}-file`, flagFile)
  const value = env[spec.env]
  const file = spec.secret ? env[`${spec.env}_FILE`] : undefined
  if (value !== undefined && value !== '' && file) throw new ConfigError(`${spec.env} and ${spec.env}_FILE are both set; use one`)
  if (file) return readSecretFile(`${spec.env}_FILE`, file)
  // An empty env var means "not set" (compose files and Helm charts write `FOO=` for an unset value).
  return value === '' ? undefined : value
}

function readSecretFile(setting: string, path: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  // Secret files written by `echo` or editors end with a newline that is not part of the secret.
  const value = text.replace(/\r?\n$/, '')
  if (!value) throw new ConfigError(`${setting}: ${path} is empty`)
  return value
}
