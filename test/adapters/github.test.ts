import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { github } from '../../adapters/github/index.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { CommonEvent, isTerminal, type ParsedEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { edited, fixture, req } from './request.js'

function parse(body: string, event: string, headers: Record<string, string> = {}): ParsedEvent {
  const r = github.parse(req(body, { 'content-type': 'application/json', 'x-github-event': event, ...headers }))
  if (isIgnored(r)) throw new Error(`unexpectedly ignored: ${r.ignored}`)
  return r
}
const run = (name: string) => parse(fixture(`github/${name}`), 'workflow_run', { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' })

describe('github workflow_run', () => {
  it('maps completed/success field by field', () => {
    const e = run('workflow_run-completed-success.json')
    expect(e).toEqual({
      source: 'github',
      kind: 'pipeline',
      status: 'success',
      source_status: 'completed/success',
      finished: true,
      project: { name: 'octo-repo', path: 'octo-org/octo-repo', url: 'https://github.com/octo-org/octo-repo' },
      ref: 'master',
      branch: 'master',
      sha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      commit: {
        title: 'build(test): check workflow run event payload',
        message: expect.stringMatching(/^build\(test\): check workflow run event payload/),
        author: { name: 'Matthias Fax', email: 'matfax@users.noreply.github.com' },
        url: 'https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625',
      },
      actor: { username: 'Codertocat' },
      number: 163,
      attempt: 1,
      // workflow_run.name is "" in this example: the workflow's name is used.
      name: 'test',
      url: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
      started_at: '2020-10-05T16:33:49.000Z',
      finished_at: '2020-10-05T16:33:49.000Z',
      duration_s: 0,
      merge_request: undefined,
      delivery_id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    })
  })

  it('maps the pull request of a run', () => {
    expect(run('workflow_run-completed-success-with-pr.json').merge_request).toEqual({
      number: 2,
      url: 'https://github.com/octo-org/octo-repo/pull/2',
      source_branch: 'changes',
      target_branch: 'master',
    })
  })

  it.each([
    ['workflow_run-completed-failure-adapted.json', 'failed', 'completed/failure', true],
    ['workflow_run-in_progress-adapted.json', 'running', 'in_progress', false],
    ['workflow_run-requested-queued.json', 'queued', 'queued', false],
    // requested, but already completed: the run waits for an approval that may never come.
    ['workflow_run-requested-action_required.json', 'skipped', 'completed/action_required', true],
    // action completed, run status queued, no conclusion: believe the run object.
    ['workflow_run-completed-status-queued-anomalous.json', 'queued', 'queued', false],
  ])('%s → %s', (name, status, source_status, finished) => {
    const e = run(name)
    expect(e).toMatchObject({ status, source_status, finished })
    if (!finished) expect(e.finished_at).toBeUndefined()
  })

  it.each([
    ['timed_out', 'failed'], ['startup_failure', 'failed'], ['neutral', 'unstable'], ['cancelled', 'canceled'],
    ['skipped', 'skipped'], ['stale', 'skipped'], ['success', 'success'], ['failure', 'failed'],
  ])('maps conclusion %s → %s', (conclusion, status) => {
    const body = edited('github/workflow_run-completed-success.json', (b) => (b.workflow_run.conclusion = conclusion))
    expect(parse(body, 'workflow_run')).toMatchObject({ status, finished: true })
  })

  it('tolerates an unknown conclusion: not finished, kept verbatim', () => {
    const body = edited('github/workflow_run-completed-success.json', (b) => (b.workflow_run.conclusion = 'vaporized'))
    expect(parse(body, 'workflow_run')).toMatchObject({ status: 'running', finished: false, source_status: 'completed/vaporized' })
  })

  it('prefers triggering_actor (who re-ran it) over actor, and falls back to the workflow path for a name', () => {
    const body = edited('github/workflow_run-completed-success.json', (b) => {
      b.workflow_run.triggering_actor.login = 'rerunner'
      b.workflow_run.run_attempt = 2
      delete b.workflow
    })
    const e = parse(body, 'workflow_run')
    expect(e).toMatchObject({ actor: { username: 'rerunner' }, attempt: 2, name: '.github/workflows/test.yml', delivery_id: 'workflow_run:289782451:2:completed' })
  })

  it('ignores unknown actions and requires one', () => {
    const body = edited('github/workflow_run-completed-success.json', (b) => (b.action = 'teleported'))
    expect(github.parse(req(body, { 'x-github-event': 'workflow_run' }))).toEqual({ ignored: 'workflow_run action "teleported" is not translated' })
    const none = edited('github/workflow_run-completed-success.json', (b) => delete b.action)
    expect(() => github.parse(req(none, { 'x-github-event': 'workflow_run' }))).toThrow(new PayloadError('action: missing (expected a string)'))
  })
})

describe('github deployment_status', () => {
  it('maps created/success field by field', () => {
    const e = parse(fixture('github/deployment_status-created-success.json'), 'deployment_status', { 'x-github-delivery': 'd-1' })
    expect(e).toMatchObject({
      source: 'github',
      kind: 'deploy',
      status: 'success',
      source_status: 'success',
      finished: true,
      project: { name: 'Hello-World', path: 'Codertocat/Hello-World', url: 'https://github.com/Codertocat/Hello-World' },
      ref: 'master',
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      actor: { username: 'Codertocat' },
      number: 145988746,
      name: 'production',
      // target_url is "": the repository's deployments page instead.
      url: 'https://github.com/Codertocat/Hello-World/deployments',
      started_at: '2019-05-15T15:20:53.000Z',
      finished_at: '2019-05-15T15:20:55.000Z',
      duration_s: 2,
      environment: 'production',
      deployment: { environment: 'production', version: 'f95f852b', ref: 'master' },
      delivery_id: 'd-1',
    })
  })

  it('maps an in_progress status from an Actions job', () => {
    const e = parse(fixture('github/deployment_status-created-in_progress-actions.json'), 'deployment_status')
    expect(e).toMatchObject({
      status: 'running',
      finished: false,
      environment: 'github-pages',
      name: 'pages build and deployment',
      url: 'https://github.com/CorsixTH/CorsixTH/runs/4687056418?check_suite_focus=true',
      actor: { username: 'Codertocat' },
      delivery_id: 'deployment_status:209916254',
    })
    expect(e.finished_at).toBeUndefined()
  })

  it.each([['pending', 'queued'], ['queued', 'queued'], ['failure', 'failed'], ['error', 'failed'], ['in_progress', 'running']])(
    'maps state %s → %s',
    (state, status) => {
      const body = edited('github/deployment_status-created-success.json', (b) => (b.deployment_status.state = state))
      expect(parse(body, 'deployment_status')).toMatchObject({ status, source_status: state })
    },
  )

  it('ignores inactive (superseded) statuses and unknown actions', () => {
    const inactive = edited('github/deployment_status-created-success.json', (b) => (b.deployment_status.state = 'inactive'))
    expect(github.parse(req(inactive, { 'x-github-event': 'deployment_status' }))).toEqual({ ignored: 'deployment_status "inactive"' })
    const deleted = edited('github/deployment_status-created-success.json', (b) => (b.action = 'deleted'))
    expect(github.parse(req(deleted, { 'x-github-event': 'deployment_status' }))).toEqual({ ignored: 'deployment_status action "deleted" is not translated' })
  })
})

describe('github events, bodies and errors', () => {
  it('answers ping and ignores other events', () => {
    expect(github.parse(req('{"zen":"Design for failure.","hook_id":1}', { 'x-github-event': 'ping' }))).toEqual({ ignored: 'ping' })
    expect(github.parse(req('{}', { 'x-github-event': 'push' }))).toEqual({ ignored: 'github event "push" is not translated' })
  })

  it('turns Gitea and Forgejo webhooks away, to their own endpoints (they send GitHub headers too)', () => {
    const gitea = fixture('gitea/workflow_run-completed-failure.json')
    expect(() => github.parse(req(gitea, { 'x-github-event': 'workflow_run', 'x-gitea-event': 'workflow_run' }))).toThrow(
      new PayloadError('X-Gitea-Event: this is a Gitea webhook; point it at /webhooks/gitea'),
    )
    const forgejo = fixture('forgejo/action_run_failure.json')
    const headers = { 'x-github-event': 'action_run_failure', 'x-gitea-event': 'action_run_failure', 'x-forgejo-event': 'action_run_failure' }
    expect(() => github.parse(req(forgejo, headers))).toThrow(new PayloadError('X-Forgejo-Event: this is a Forgejo webhook; point it at /webhooks/forgejo'))
  })

  it('requires X-GitHub-Event', () => {
    expect(() => github.parse(req(fixture('github/workflow_run-completed-success.json')))).toThrow(new PayloadError('missing X-GitHub-Event header'))
  })

  it('decodes a form-encoded body (JSON in the payload field)', () => {
    const json = fixture('github/workflow_run-completed-success.json')
    const form = new URLSearchParams({ payload: json }).toString()
    const e = parse(form, 'workflow_run', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(e).toMatchObject({ status: 'success', number: 163 })
    const run = () => parse('other=1', 'workflow_run', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(run).toThrow(PayloadError)
    expect(run).toThrow('payload: missing form field')
  })

  it.each([
    ['{"action":', 'body is not valid JSON'],
    ['{"action":"completed"}', 'workflow_run: missing'],
    [edited('github/workflow_run-completed-success.json', (b) => (b.workflow_run.id = 'x')), 'workflow_run.id: expected a number, got string'],
    [edited('github/workflow_run-completed-success.json', (b) => (b.workflow_run.run_started_at = 'later')), 'workflow_run.run_started_at: expected a time'],
    [edited('github/workflow_run-completed-success.json', (b) => (b.repository.full_name = 5)), 'repository.full_name: expected a string, got number'],
    [edited('github/workflow_run-completed-success.json', (b) => (b.workflow_run.pull_requests = {})), 'workflow_run.pull_requests: expected an array, got object'],
  ])('bad workflow_run payload %# → PayloadError naming the field', (body, message) => {
    const run = () => github.parse(req(body, { 'x-github-event': 'workflow_run' }))
    expect(run).toThrow(PayloadError)
    expect(run).toThrow(message)
  })

  it('names the field of a bad deployment_status payload', () => {
    const body = edited('github/deployment_status-created-success.json', (b) => delete b.deployment)
    expect(() => github.parse(req(body, { 'x-github-event': 'deployment_status' }))).toThrow(new PayloadError('deployment: missing (expected an object)'))
  })
})

describe('github verify', () => {
  const secret = "It's a Secret to Everybody"
  const sign = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`

  it('matches the test vector from GitHub docs (validating-webhook-deliveries)', () => {
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
    expect(github.verify(req('Hello, World!', { 'x-hub-signature-256': sig }), secret)).toBe(true)
  })

  it('signs the raw body bytes, Unicode included', () => {
    const body = fixture('github/workflow_run-completed-success.json').replace('Codertocat', 'Cödertöcat 🐙')
    expect(github.verify(req(body, { 'x-hub-signature-256': sign(body) }), secret)).toBe(true)
    // The same JSON re-serialised is a different body.
    expect(github.verify(req(JSON.stringify(JSON.parse(body)), { 'x-hub-signature-256': sign(body) }), secret)).toBe(false)
  })

  it('refuses wrong, missing, wrong-length and legacy sha1 signatures', () => {
    const body = 'Hello, World!'
    const good = sign(body)
    expect(github.verify(req(body), secret)).toBe(false)
    expect(github.verify(req(body, { 'x-hub-signature-256': sign(body, 'another secret') }), secret)).toBe(false)
    expect(github.verify(req(body, { 'x-hub-signature-256': good.slice(0, -2) }), secret)).toBe(false)
    expect(github.verify(req(body, { 'x-hub-signature-256': `${good}00` }), secret)).toBe(false)
    expect(github.verify(req(body, { 'x-hub-signature-256': good.replace('sha256=', '') }), secret)).toBe(false)
    expect(github.verify(req(`${body} `, { 'x-hub-signature-256': good }), secret)).toBe(false)
    const sha1 = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`
    expect(github.verify(req(body, { 'x-hub-signature': sha1 }), secret)).toBe(false)
  })
})

describe('@octokit/webhooks-examples', () => {
  type Example = { name: string; examples: Record<string, unknown>[] }
  const require = createRequire(import.meta.url)
  const files = ['api.github.com', 'ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35']
  const all = files.flatMap((dir) =>
    (require(`@octokit/webhooks-examples/${dir}/index.json`) as Example[])
      .filter((e) => e.name === 'workflow_run' || e.name === 'deployment_status')
      .flatMap((e) => e.examples.map((body, i) => ({ label: `${dir} ${e.name}[${i}]`, event: e.name, body }))),
  )

  it('has workflow_run and deployment_status examples in every file', () => {
    expect(all.filter((x) => x.event === 'workflow_run').length).toBeGreaterThanOrEqual(10)
    expect(all.filter((x) => x.event === 'deployment_status').length).toBeGreaterThanOrEqual(10)
  })

  // Expected status from the native values, written out independently of the adapter.
  function expected(event: string, body: any): string {
    if (event === 'deployment_status') {
      return ({ success: 'success', in_progress: 'running', pending: 'queued', queued: 'queued', failure: 'failed', error: 'failed' } as any)[
        body.deployment_status.state
      ]
    }
    const { status, conclusion } = body.workflow_run
    if (conclusion) return ({ success: 'success', failure: 'failed', action_required: 'skipped', cancelled: 'canceled', neutral: 'unstable' } as any)[conclusion]
    return ({ queued: 'queued', requested: 'queued', in_progress: 'running' } as any)[status]
  }

  it.each(all.map((x) => [x.label, x] as const))('%s normalizes to a valid event', (_label, x) => {
    const text = JSON.stringify(x.body)
    const e = toEvent('github', req(text, { 'x-github-event': x.event, 'x-github-delivery': 'd' }), { id: 'ev-1', now: new Date(0) })
    if (isIgnored(e)) throw new Error(`ignored: ${e.ignored}`)
    expect(CommonEvent.safeParse(e).success).toBe(true)
    const body = x.body as any
    expect(e.status).toBe(expected(x.event, body))
    expect(e.finished).toBe(isTerminal(e.status))
    expect(e.kind).toBe(x.event === 'workflow_run' ? 'pipeline' : 'deploy')
    expect(e.project.path).toBe(body.repository.full_name)
    if (x.event === 'workflow_run') {
      expect(e).toMatchObject({ sha: body.workflow_run.head_sha, branch: body.workflow_run.head_branch, number: body.workflow_run.run_number, url: body.workflow_run.html_url })
      expect(e.name).toBeTruthy()
    } else {
      expect(e).toMatchObject({ sha: body.deployment.sha, ref: body.deployment.ref, environment: body.deployment_status.environment })
    }
  })
})
