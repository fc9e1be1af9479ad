import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RawRequest } from 'autocannon'

/** `buildkite` is a source defined in the rules file (bench/rules-file.ts), not built in: its cost beside GitLab's. */
export type Source = 'gitlab' | 'github' | 'jenkins' | 'buildkite'
export const SOURCES: Source[] = ['gitlab', 'github', 'jenkins', 'buildkite']

/** Secrets the benchmark's server runs with, so every request pays for its auth check as in production. */
export const SECRETS = { gitlab: 'bench-gitlab-token', github: 'bench-github-secret', jenkins: 'bench-jenkins-token', buildkite: 'bench-buildkite-token' }

/** One webhook as autocannon sends it: a fixed part and a per-request tweak that makes each delivery new to ours. */
export type Load = {
  source: Source
  fixture: string
  path: string
  headers: Record<string, string>
  body: Buffer
  setupRequest: (req: RawRequest) => RawRequest
}

const fixtures = join(process.cwd(), 'test/fixtures')
// Unique per harness run, so a server that outlives one measurement never sees a redelivery (which answers 200).
const runId = randomBytes(4).toString('hex')
let seq = 0

const json = { 'content-type': 'application/json' }

/** A real GitLab pipeline hook (~7 KB, four builds). Each request gets its own Idempotency-Key, as GitLab sends. */
function gitlab(): Load {
  const fixture = 'gitlab/pipeline-failed-adapted.json'
  return {
    source: 'gitlab',
    fixture,
    path: '/webhooks/gitlab',
    headers: { ...json, 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': SECRETS.gitlab },
    body: readFileSync(join(fixtures, fixture)),
    setupRequest: (req) => {
      req.headers!['idempotency-key'] = `${runId}-${++seq}`
      return req
    },
  }
}

/** A real workflow_run (~22 KB), signed with X-Hub-Signature-256 so ours verifies the HMAC on every request. */
function github(): Load {
  const fixture = 'github/workflow_run-completed-failure-adapted.json'
  const body = readFileSync(join(fixtures, fixture))
  const signature = 'sha256=' + createHmac('sha256', SECRETS.github).update(body).digest('hex')
  return {
    source: 'github',
    fixture,
    path: '/webhooks/github',
    headers: { ...json, 'x-github-event': 'workflow_run', 'x-hub-signature-256': signature },
    body,
    setupRequest: (req) => {
      req.headers!['x-github-delivery'] = `${runId}-${++seq}`
      return req
    },
  }
}

/**
 * A Jenkins Notification plugin FINALIZED post. Jenkins sends no delivery id: ours dedupes on (job url, build number,
 * phase), so each request carries a new build number.
 */
function jenkins(): Load {
  const fixture = 'jenkins/finalized-failure-adapted.json'
  const text = readFileSync(join(fixtures, fixture), 'utf8')
  const number = /"number":\s*\d+/
  if (!number.test(text)) throw new Error(`${fixture}: no build number to vary`)
  const [head, tail] = text.split(number)
  return {
    source: 'jenkins',
    fixture,
    path: `/webhooks/jenkins?token=${SECRETS.jenkins}`,
    headers: { ...json },
    body: Buffer.from(text),
    setupRequest: (req) => {
      req.body = Buffer.from(`${head}"number": ${1_000_000 + ++seq}${tail}`)
      return req
    },
  }
}

/**
 * A Buildkite build.finished (~1.6 KB), through the source test/fixtures/configured/rules.yaml defines without code
 * (token header; dedupe on build.id, build.state and the event header), so each request carries a new build.id.
 */
function buildkite(): Load {
  const fixture = 'configured/buildkite-build-finished-failed.json'
  const text = readFileSync(join(fixtures, fixture), 'utf8')
  const id = /"id": "01907d5a-[^"]*"/
  if (!id.test(text)) throw new Error(`${fixture}: no build id to vary`)
  const [head, tail] = text.split(id)
  return {
    source: 'buildkite',
    fixture,
    path: '/webhooks/buildkite',
    headers: { ...json, 'x-buildkite-event': 'build.finished', 'x-buildkite-token': SECRETS.buildkite },
    body: Buffer.from(text),
    setupRequest: (req) => {
      req.body = Buffer.from(`${head}"id": "${runId}-${++seq}"${tail}`)
      return req
    },
  }
}

export const loads: Record<Source, () => Load> = { gitlab, github, jenkins, buildkite }
