import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.js'
import { loadSettings, settingSecrets } from '../../src/settings/settings.js'
import { SETTINGS } from '../../src/settings/settings-spec.js'

const dir = mkdtempSync(join(tmpdir(), 'ci-notify-settings-'))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const problemsOf = (env: Record<string, string>, argv: string[] = []): string[] => {
  try {
    loadSettings(env, argv)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('loadSettings accepted bad settings')
}

describe('loadSettings', () => {
  it('has the documented defaults with nothing set', () => {
    const s = loadSettings({}, [])
    expect(s).toMatchObject({
      port: 8080, host: '0.0.0.0', rulesFile: 'rules.yaml', rulesFileExplicit: false, dataDir: './data', dryRun: false,
      logLevel: 'info', logFormat: 'json', bodyLimit: 1048576, deliveryTimeoutMs: 10_000, retryMaxAgeMs: 86_400_000
    })
    expect(s.adminToken).toBeUndefined()
    expect(s.databaseUrl).toBeUndefined()
    expect(s.secrets).toEqual({ gitlab: undefined, github: undefined, jenkins: undefined, gitea: undefined, forgejo: undefined })
  })

  it('defaults to pretty logs on a terminal only', () => {
    expect(loadSettings({}, [], { isTTY: true }).logFormat).toBe('pretty')
    expect(loadSettings({ LOG_FORMAT: 'json' }, [], { isTTY: true }).logFormat).toBe('json')
  })

  it('reads every setting from env vars', () => {
    const s = loadSettings(
      {
        PORT: '9000', HOST: '127.0.0.1', RULES_FILE: '/etc/r.yaml', DATA_DIR: '/data', DATABASE_URL: 'postgres://u:p%40ss@db:5432/ci',
        ADMIN_TOKEN: 'admin-token-1', GITLAB_WEBHOOK_TOKEN: 'gitlab-token-1', GITHUB_WEBHOOK_SECRET: 'github-secret-1',
        JENKINS_WEBHOOK_TOKEN: 'jenkins-token-1', GITEA_WEBHOOK_SECRET: 'gitea-secret-1', FORGEJO_WEBHOOK_SECRET: 'forgejo-secret-1', DRY_RUN: 'yes', LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', BODY_LIMIT: '512kb',
        DELIVERY_TIMEOUT: '2.5s', RETRY_MAX_AGE: '2d',
      },
      [],
    )
    expect(s).toMatchObject({
      port: 9000, host: '127.0.0.1', rulesFile: '/etc/r.yaml', rulesFileExplicit: true, dataDir: '/data', databaseUrl: 'postgres://u:p%40ss@db:5432/ci',
      adminToken: 'admin-token-1', secrets: { gitlab: 'gitlab-token-1', github: 'github-secret-1', jenkins: 'jenkins-token-1', gitea: 'gitea-secret-1', forgejo: 'forgejo-secret-1' },
      dryRun: true, logLevel: 'debug', logFormat: 'pretty', bodyLimit: 512 * 1024, deliveryTimeoutMs: 2500, retryMaxAgeMs: 2 * 86_400_000,
    })
    expect(settingSecrets(s)).toEqual(expect.arrayContaining(['admin-token-1', 'gitlab-token-1', 'github-secret-1', 'jenkins-token-1', 'gitea-secret-1', 'forgejo-secret-1', 'p@ss', 'p%40ss']))
  })

  it('takes a serve flag over its env var, for every setting', () => {
    const argv = [
      '--port', '9100', '--host', '::', '--rules-file', 'r.yaml', '--data-dir', 'd', '--database-url', 'postgresql://h/db',
      '--admin-token', 'flag-admin-1', '--gitlab-webhook-token', 'flag-gitlab-1', '--github-webhook-secret', 'flag-github-1',
      '--jenkins-webhook-token', 'flag-jenkins-1', '--gitea-webhook-secret', 'flag-gitea-1', '--forgejo-webhook-secret', 'flag-forgejo-1', '--dry-run', '--log-level', 'warn', '--log-format', 'json', '--body-limit', '2mb',
      '--in-flight-limit', '8mb', '--delivery-timeout', '500ms', '--retry-max-age', '90m', '--db-pool-size', '4', '--retention-days', '7', '--request-timeout', '5s', '--console-session', '30m',
    ]
    const s = loadSettings({ PORT: '1', ADMIN_TOKEN: 'env-admin-1', DRY_RUN: 'false', LOG_LEVEL: 'info' }, argv)
    expect(s).toMatchObject({
      port: 9100, host: '::', rulesFile: 'r.yaml', rulesFileExplicit: true, dataDir: 'd', databaseUrl: 'postgresql://h/db', adminToken: 'flag-admin-1',
      secrets: { gitlab: 'flag-gitlab-1', github: 'flag-github-1', jenkins: 'flag-jenkins-1', gitea: 'flag-gitea-1', forgejo: 'flag-forgejo-1' }, dryRun: true, logLevel: 'warn',
      logFormat: 'json', bodyLimit: 2 * 1024 * 1024, inFlightLimit: 8 * 1024 * 1024, deliveryTimeoutMs: 500, retryMaxAgeMs: 90 * 60_000, dbPoolSize: 4, retentionDays: 7, requestTimeoutMs: 5000, consoleSessionMs: 30 * 60_000,
    })
    // every row of the table has a flag this test passed
    for (const spec of SETTINGS) expect(argv).toContain(`--${spec.flag}`)
  })

  it('treats an empty env var as unset', () => {
    const s = loadSettings({ PORT: '', ADMIN_TOKEN: '' }, [])
    expect(s.port).toBe(8080)
    expect(s.adminToken).toBeUndefined()
  })
})

describe('secrets from files', () => {
  const cases = [
    ['GITLAB_WEBHOOK_TOKEN_FILE', (s: ReturnType<typeof loadSettings>) => s.secrets.gitlab],
    ['GITHUB_WEBHOOK_SECRET_FILE', (s: ReturnType<typeof loadSettings>) => s.secrets.github],
    ['JENKINS_WEBHOOK_TOKEN_FILE', (s: ReturnType<typeof loadSettings>) => s.secrets.jenkins],
    ['GITEA_WEBHOOK_SECRET_FILE', (s: ReturnType<typeof loadSettings>) => s.secrets.gitea],
    ['FORGEJO_WEBHOOK_SECRET_FILE', (s: ReturnType<typeof loadSettings>) => s.secrets.forgejo],
    ['ADMIN_TOKEN_FILE', (s: ReturnType<typeof loadSettings>) => s.adminToken],
    ['DATABASE_URL_FILE', (s: ReturnType<typeof loadSettings>) => s.databaseUrl],
  ] as const

  for (const [env, pick] of cases) {
    it(`reads ${env}, without the trailing newline`, () => {
      const value = env === 'DATABASE_URL_FILE' ? 'postgres://ci:s3cret-pw@db/ci' : `from-file-${env.toLowerCase()}`
      const s = loadSettings({ [env]: file(`${env}.txt`, `${value}\n`) }, [])
      expect(pick(s)).toBe(value)
    })
  }

  it('reads --<flag>-file', () => {
    expect(loadSettings({}, ['--admin-token-file', file('admin.txt', 'admin-from-flag-file')]).adminToken).toBe('admin-from-flag-file')
  })

  it('names the setting when the file is missing or empty, and never prints a value', () => {
    expect(problemsOf({ GITLAB_WEBHOOK_TOKEN_FILE: join(dir, 'nope') })).toEqual([`GITLAB_WEBHOOK_TOKEN_FILE: cannot read ${join(dir, 'nope')} (ENOENT)`])
    const empty = file('empty.txt', '\n')
    expect(problemsOf({ ADMIN_TOKEN_FILE: empty })).toEqual([`ADMIN_TOKEN_FILE: ${empty} is empty`])
  })

  it('refuses a value and a file for the same secret', () => {
    expect(problemsOf({ GITHUB_WEBHOOK_SECRET: 'github-secret-1', GITHUB_WEBHOOK_SECRET_FILE: file('gh.txt', 'x') })).toEqual([
      'GITHUB_WEBHOOK_SECRET and GITHUB_WEBHOOK_SECRET_FILE are both set; use one',
    ])
    expect(problemsOf({}, ['--jenkins-webhook-token', 'jenkins-token-1', '--jenkins-webhook-token-file', 'f'])).toEqual([
      '--jenkins-webhook-token and --jenkins-webhook-token-file are both given; use one',
    ])
  })
})

describe('bad settings stop the start, each named', () => {
  const bad: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT (--port): "eighty" is not a port number (0-65535)'],
    [{ PORT: '70000' }, 'PORT (--port): "70000" is not a port number (0-65535)'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE (--db-pool-size): "0" is not a whole number of at least 1'],
    [{ RETENTION_DAYS: 'a month' }, 'RETENTION_DAYS (--retention-days): "a month" is not a whole number of at least 1'],
    [{ HOST: ' ' }, 'HOST (--host): must not be empty'],
    [{ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL (--database-url): unsupported scheme "mysql:" (postgres:// or postgresql://)'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL (--database-url): not a URL (postgres://user:password@host:5432/db)'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN (--admin-token): too short (5 characters); use at least 8, e.g. `openssl rand -hex 20`'],
    [{ GITLAB_WEBHOOK_TOKEN: 'abc' }, 'GITLAB_WEBHOOK_TOKEN (--gitlab-webhook-token): too short (3 characters); use at least 8, e.g. `openssl rand -hex 20`'],
    [{ DRY_RUN: 'maybe' }, 'DRY_RUN (--dry-run): "maybe" is not a boolean (true/false, 1/0, yes/no, on/off)'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL (--log-level): "verbose" is not one of fatal, error, warn, info, debug, trace, silent'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT (--log-format): "xml" is not json or pretty'],
    [{ BODY_LIMIT: '1gb' }, 'BODY_LIMIT (--body-limit): "1gb" is not a size (e.g. 1048576, 512kb, 1mb)'],
    [{ BODY_LIMIT: '10' }, 'BODY_LIMIT (--body-limit): "10" is too small (at least 1kb: CI payloads are rarely smaller)'],
    [{ BODY_LIMIT: '2mb', IN_FLIGHT_LIMIT: '1mb' }, 'IN_FLIGHT_LIMIT (--in-flight-limit): 1048576 bytes is less than BODY_LIMIT (2097152 bytes): a body of the largest size could never be received'],
    [{ DELIVERY_TIMEOUT: '10' }, 'DELIVERY_TIMEOUT (--delivery-timeout): "10" is not a duration with a unit (e.g. 500ms, 10s, 5m, 24h, 1h30m, 2d)'],
    [{ RETRY_MAX_AGE: '0h' }, 'RETRY_MAX_AGE (--retry-max-age): "0h" must be more than 0'],
  ]
  for (const [env, message] of bad) {
    it(`${Object.keys(env)[0]}=${Object.values(env)[0]}`, () => {
      expect(problemsOf(env)).toEqual([message])
    })
  }

  it('reports every bad setting at once, in one message', () => {
    expect(() => loadSettings({ PORT: 'x', LOG_LEVEL: 'loud' }, [])).toThrow(/bad settings:\n {2}PORT \(--port\).*\n {2}LOG_LEVEL \(--log-level\)/)
  })

  it('never echoes a rejected secret', () => {
    const err = (() => {
      try {
        loadSettings({ JENKINS_WEBHOOK_TOKEN: 'tiny' }, [])
      } catch (e) {
        return e as Error
      }
    })()
    expect(err?.message).toContain('JENKINS_WEBHOOK_TOKEN')
    expect(err?.message).not.toContain('tiny')
  })

  it('rejects an unknown or malformed flag', () => {
    expect(problemsOf({}, ['--prot', '80'])[0]).toMatch(/^ci-notify serve: Unknown option '--prot'/)
    expect(problemsOf({}, ['--port'])[0]).toMatch(/^ci-notify serve: Option '--port <value>' argument missing/)
  })
})
