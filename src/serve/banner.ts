import { hostname } from 'node:os'
import type { Settings } from '../settings.js'

/**
 * The few lines printed at start for a human: where to point each CI system and a curl that posts the bundled example.
 * Secrets are written as `$VAR`, never as their value.
 */
export function banner(o: { settings: Settings; port: number; version: string; rulesFile: string; example: boolean; examplePayload: string }): string {
  const s = o.settings
  const wildcard = s.host === '0.0.0.0' || s.host === '::'
  const local = `http://${wildcard ? 'localhost' : bracket(s.host)}:${o.port}`
  const outside = `http://${wildcard ? hostname() : bracket(s.host)}:${o.port}`
  const jenkinsToken = s.secrets.jenkins ? '?token=$JENKINS_WEBHOOK_TOKEN' : ''
  const lines = [
    `ci-notify ${o.version} listening on ${local}  (rules: ${o.rulesFile}${o.example ? ', the example, in dry-run' : s.dryRun ? ', DRY_RUN: messages are logged, not sent' : ''})`,
    `  GitLab   Settings → Webhooks, URL ${outside}/webhooks/gitlab  (pipeline, job, deployment events${s.secrets.gitlab ? '; Secret token = $GITLAB_WEBHOOK_TOKEN' : ''})`,
    `  Jenkins  Notification plugin endpoint (JSON, HTTP) ${outside}/webhooks/jenkins${jenkinsToken}`,
    `  GitHub   Settings → Webhooks, URL ${outside}/webhooks/github  (application/json; workflow runs, deployment statuses${s.secrets.github ? '; Secret = $GITHUB_WEBHOOK_SECRET' : ''})`,
    `  Try it:  curl -X POST ${local}/webhooks/gitlab -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Deployment Hook'${s.secrets.gitlab ? ' -H "X-Gitlab-Token: $GITLAB_WEBHOOK_TOKEN"' : ''} --data @${o.examplePayload}`,
    `           then: curl ${s.adminToken ? '-H "Authorization: Bearer $ADMIN_TOKEN" ' : ''}${local}/api/events`,
  ]
  return lines.join('\n') + '\n'
}

/** Loud warnings, one per open door. */
export function openWarnings(s: Settings): string[] {
  const out: string[] = []
  if (!s.secrets.gitlab) out.push('POST /webhooks/gitlab accepts unauthenticated requests: set GITLAB_WEBHOOK_TOKEN')
  if (!s.secrets.github) out.push('POST /webhooks/github accepts unsigned requests: set GITHUB_WEBHOOK_SECRET')
  if (!s.secrets.jenkins) out.push('POST /webhooks/jenkins accepts unauthenticated requests: set JENKINS_WEBHOOK_TOKEN')
  if (!s.adminToken) out.push('admin endpoints /api/* and /-/reload are open to anyone who can reach this port: set ADMIN_TOKEN')
  return out
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
