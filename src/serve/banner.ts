import { hostname } from 'node:os'
import { adapters, SOURCES } from '../../adapters/index.js'
import type { Adapter } from '../../adapters/common/types.js'
import type { Settings } from '../settings/settings.js'
import type { ConfiguredSource } from '../../rules/sources.js'

/**
 * The few lines printed at start for a human: where to point each CI system and a curl that posts the bundled example.
 * Secrets are written as `$VAR`, never as their value.
 */
export function banner(o: {
  settings: Settings
  port: number
  version: string
  rulesFile: string
  example: boolean
  examplePayload: string
  /** The sources the rules file defines, listed after the built-in ones. */
  configured?: Record<string, ConfiguredSource>
}): string {
  const s = o.settings
  const served: Array<[string, Adapter, boolean]> = [
    ...SOURCES.map((n): [string, Adapter, boolean] => [n, adapters[n], !!s.secrets[n]]),
    ...Object.entries(o.configured ?? {}).map(([n, c]): [string, Adapter, boolean] => [n, c.adapter, !!c.secret]),
  ]
  const wildcard = s.host === '0.0.0.0' || s.host === '::'
  const local = `http://${wildcard ? 'localhost' : bracket(s.host)}:${o.port}`
  const outside = `http://${wildcard ? hostname() : bracket(s.host)}:${o.port}`
  const width = Math.max(...served.map(([, a]) => a.label.length))
  const lines = [
    `ci-notify ${o.version} listening on ${local}  (rules: ${o.rulesFile}${o.example ? ', the example, in dry-run' : s.dryRun ? ', DRY_RUN: messages are logged, not sent' : ''})`,
    ...served.map(([n, a, secret]) => `  ${a.label.padEnd(width)}  ${endpoint(`${outside}/webhooks/${n}`, a, secret)}  ${a.setup}`),
    `  Try it:  curl -X POST ${local}/webhooks/gitlab -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Deployment Hook'${s.secrets.gitlab ? ' -H "X-Gitlab-Token: $GITLAB_WEBHOOK_TOKEN"' : ''} --data @${o.examplePayload}`,
    `           then: curl ${s.adminToken ? '-H "Authorization: Bearer $ADMIN_TOKEN" ' : ''}${local}/api/events`,
    `  Console: ${local}/console/  (events, routing, the messages as the group sees them${s.adminToken ? '; log in with ADMIN_TOKEN' : ''})`,
  ]
  return lines.join('\n') + '\n'
}

/** Loud warnings, one per open door. */
export function openWarnings(s: Settings): string[] {
  const out: string[] = []
  for (const n of SOURCES) {
    const a = adapters[n]
    if (!s.secrets[n]) out.push(`POST /webhooks/${n} accepts ${a.auth.credential.kind === 'hmac' ? 'unsigned' : 'unauthenticated'} requests: set ${a.secret.env}`)
  }
  if (!s.adminToken) out.push('admin endpoints /api/*, /-/reload and the console /console/ are open to anyone who can reach this port: set ADMIN_TOKEN')
  return out
}

/**
 * The URL to give the CI and, when a secret is set, where it goes, as `$VAR`: a query token in the URL, a header
 * token or signing key in the webhook's secret field.
 */
function endpoint(url: string, a: Adapter, secretSet: boolean): string {
  if (!secretSet) return url
  const c = a.auth.credential
  if (c.kind === 'token' && c.query) return `${url}?${c.query}=$${a.secret.env}`
  return `${url}  (secret = $${a.secret.env})`
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
