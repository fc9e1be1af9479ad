/**
 * Runtime settings. Owned by the ops work (issue 5): env vars, `ci-notify serve` flags, `*_FILE` secrets, validation.
 * This is the shape every other module reads.
 */
export type Settings = {
  port: number
  host: string
  rulesFile: string
  dataDir: string
  databaseUrl?: string
  adminToken?: string
  secrets: { gitlab?: string; github?: string; jenkins?: string }
  dryRun: boolean
  logLevel: string
  logFormat: 'json' | 'pretty'
  /** Max webhook body, bytes. */
  bodyLimit: number
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
  deliveryTimeoutMs: 10_000,
  retryMaxAgeMs: 24 * 3600_000,
  retentionDays: 30,
  ...over,
})
