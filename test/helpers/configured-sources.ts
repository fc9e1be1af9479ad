import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * Requests from the two CIs that test/fixtures/configured/rules.yaml defines without code: Buildkite (a token in
 * X-Buildkite-Token) and CircleCI (`circleci-signature: v1=<hex HMAC-SHA256 of the raw body>`), as their docs say
 * they send them (test/fixtures/configured/README.md).
 */
export const CONFIGURED_RULES = 'test/fixtures/configured/rules.yaml'
export const CONFIGURED_ENV = { BUILDKITE_WEBHOOK_TOKEN: 'bk-token-6d1f0c9e', CIRCLECI_WEBHOOK_SECRET: 'cc-secret-9b2a77d4' }
export const configuredRulesYaml = (): string => readFileSync(CONFIGURED_RULES, 'utf8')
export const configuredFixture = (name: string): string => readFileSync(`test/fixtures/configured/${name}`, 'utf8')

export type Req = { path: string; init: RequestInit & { headers: Record<string, string> } }

export function buildkiteReq(o: { body?: string; token?: string | null; event?: string } = {}): Req {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-buildkite-event': o.event ?? 'build.finished' }
  if (o.token !== null) headers['x-buildkite-token'] = o.token ?? CONFIGURED_ENV.BUILDKITE_WEBHOOK_TOKEN
  return { path: '/webhooks/buildkite', init: { method: 'POST', headers, body: o.body ?? configuredFixture('buildkite-build-finished-failed.json') } }
}

export const circleSignature = (body: string, secret: string): string => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`

export function circleciReq(o: { body?: string; secret?: string; signature?: string | null } = {}): Req {
  const body = o.body ?? configuredFixture('circleci-workflow-completed-failed.json')
  const headers: Record<string, string> = { 'content-type': 'application/json', 'circleci-event-type': 'workflow-completed' }
  const signature = o.signature === undefined ? circleSignature(body, o.secret ?? CONFIGURED_ENV.CIRCLECI_WEBHOOK_SECRET) : o.signature
  if (signature !== null) headers['circleci-signature'] = signature
  return { path: '/webhooks/circleci', init: { method: 'POST', headers, body } }
}
