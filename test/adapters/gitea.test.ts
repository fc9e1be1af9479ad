import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { gitea } from '../../adapters/gitea/index.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { CommonEvent, type ParsedEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { edited, fixture, req } from './request.js'

const DELIVERY = '0d4c6d1e-2b8f-4b8a-9a51-3f6f0c2d7e10'

function parse(body: string, event: string, headers: Record<string, string> = {}): ParsedEvent {
  const r = gitea.parse(req(body, { 'content-type': 'application/json', 'x-gitea-event': event, 'x-gitea-delivery': DELIVERY, ...headers }))
  if (isIgnored(r)) throw new Error(`unexpectedly ignored: ${r.ignored}`)
  return r
}
const run = (name: string) => parse(fixture(`gitea/${name}`), 'workflow_run')

describe('gitea workflow_run', () => {
  it('maps completed/failure field by field', () => {
    expect(run('workflow_run-completed-failure.json')).toEqual({
      source: 'gitea',
      kind: 'pipeline',
      status: 'failed',
      source_status: 'completed/failure',
      finished: true,
      project: { name: 'api', path: 'ops/api', url: 'https://gitea.example.com/ops/api' },
      ref: 'main',
      branch: 'main',
      sha: '9c3e1f0a7b2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e',
      commit: { title: 'fix: retry the payment callback', url: 'https://gitea.example.com/ops/api/commit/9c3e1f0a7b2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e' },
      actor: { username: 'zhangsan', name: '张三' },
      number: 87,
      attempt: 1,
      name: 'CI',
      url: 'https://gitea.example.com/ops/api/actions/runs/87',
      started_at: '2026-12-04T02:00:05.000Z',
      finished_at: '2026-12-04T02:03:35.000Z',
      duration_s: 210,
      merge_request: undefined,
      delivery_id: DELIVERY,
    })
  })

  it('maps a requested run as queued, not finished, without an end', () => {
    const e = run('workflow_run-requested.json')
    expect(e).toMatchObject({ status: 'queued', source_status: 'queued', finished: false, number: 87 })
    expect(e.finished_at).toBeUndefined()
  })

  it.each([
    ['success', 'success'], ['failure', 'failed'], ['cancelled', 'canceled'], ['skipped', 'skipped'],
  ])('maps conclusion %s → %s', (conclusion, status) => {
    const body = edited('gitea/workflow_run-completed-failure.json', (b) => (b.workflow_run.conclusion = conclusion))
    expect(parse(body, 'workflow_run')).toMatchObject({ status, finished: true })
  })

  it.each([
    ['queued', 'queued'], ['waiting', 'queued'], ['in_progress', 'running'],
    // completed without a conclusion: a done state Gitea does not name (skipped)
    ['completed', 'skipped'],
  ])('maps status %s without a conclusion → %s', (native, status) => {
    const body = edited('gitea/workflow_run-completed-failure.json', (b) => {
      b.workflow_run.status = native
      delete b.workflow_run.conclusion
    })
    expect(parse(body, 'workflow_run')).toMatchObject({ status, source_status: native })
  })

  it('tolerates an unknown status: not finished, kept verbatim', () => {
    const body = edited('gitea/workflow_run-completed-failure.json', (b) => {
      b.workflow_run.status = 'hibernating'
      delete b.workflow_run.conclusion
    })
    expect(parse(body, 'workflow_run')).toMatchObject({ status: 'running', source_status: 'hibernating', finished: false })
  })

  it('maps the pull request of a run, and falls back to the workflow file for a name', () => {
    const body = edited('gitea/workflow_run-completed-failure.json', (b) => {
      delete b.workflow
      b.pull_request = { number: 12, title: 'Retry callbacks', html_url: 'https://gitea.example.com/ops/api/pulls/12', head: { ref: 'fix/callback' }, base: { ref: 'main' } }
    })
    expect(parse(body, 'workflow_run')).toMatchObject({
      name: 'ci.yml@refs/heads/main',
      merge_request: { number: 12, title: 'Retry callbacks', url: 'https://gitea.example.com/ops/api/pulls/12', source_branch: 'fix/callback', target_branch: 'main' },
    })
  })

  it('dedupes by X-Gitea-Delivery; without it, by run, attempt and action', () => {
    const body = fixture('gitea/workflow_run-completed-failure.json')
    expect(parse(body, 'workflow_run').delivery_id).toBe(DELIVERY)
    expect(parse(body, 'workflow_run', { 'x-gitea-delivery': '' }).delivery_id).toBe('workflow_run:1534:1:completed')
    const rerun = edited('gitea/workflow_run-completed-failure.json', (b) => (b.workflow_run.run_attempt = 2))
    expect(parse(rerun, 'workflow_run', { 'x-gitea-delivery': '' }).delivery_id).toBe('workflow_run:1534:2:completed')
  })
})

describe('gitea workflow_job', () => {
  it('maps a failed job with its steps as one stage', () => {
    const e = parse(fixture('gitea/workflow_job-completed-failure.json'), 'workflow_job')
    expect(e).toMatchObject({
      source: 'gitea',
      kind: 'build',
      status: 'failed',
      source_status: 'completed/failure',
      finished: true,
      project: { path: 'ops/api' },
      branch: 'main',
      actor: { username: 'zhangsan' },
      number: 3021,
      attempt: 1,
      name: 'test',
      url: 'https://gitea.example.com/ops/api/actions/runs/87/jobs/0',
      duration_s: 210,
      queued_s: 5,
      delivery_id: DELIVERY,
    })
    expect(e.stages).toEqual([
      {
        name: 'test',
        status: 'failed',
        duration_s: 210,
        jobs: [
          { name: 'Set up job', status: 'success', source_status: 'completed/success', duration_s: 4 },
          { name: 'Run tests', status: 'failed', source_status: 'completed/failure', duration_s: 200 },
          { name: 'Complete job', status: 'success', source_status: 'completed/success', duration_s: 4 },
        ],
      },
    ])
  })

  it('maps an in_progress job as running, no end', () => {
    const body = edited('gitea/workflow_job-completed-failure.json', (b) => {
      b.action = 'in_progress'
      b.workflow_job.status = 'in_progress'
      delete b.workflow_job.conclusion
    })
    const e = parse(body, 'workflow_job')
    expect(e).toMatchObject({ status: 'running', finished: false })
    expect(e.finished_at).toBeUndefined()
  })
})

describe('gitea events, bodies and errors', () => {
  it('ignores other events and unknown actions with a reason', () => {
    expect(gitea.parse(req('{}', { 'x-gitea-event': 'push' }))).toEqual({ ignored: 'gitea event "push" is not translated' })
    const deleted = edited('gitea/workflow_run-completed-failure.json', (b) => (b.action = 'deleted'))
    expect(gitea.parse(req(deleted, { 'x-gitea-event': 'workflow_run' }))).toEqual({ ignored: 'workflow_run action "deleted" is not translated' })
  })

  it('requires X-Gitea-Event, and reads it rather than the X-GitHub-Event copy', () => {
    const body = fixture('gitea/workflow_run-completed-failure.json')
    expect(() => gitea.parse(req(body, { 'x-github-event': 'workflow_run' }))).toThrow(new PayloadError('missing X-Gitea-Event header'))
  })

  it('turns a Forgejo webhook away, to its own endpoint (Forgejo sends the Gitea headers too)', () => {
    const body = fixture('forgejo/action_run_failure.json')
    expect(() => gitea.parse(req(body, { 'x-gitea-event': 'action_run_failure', 'x-forgejo-event': 'action_run_failure' }))).toThrow(
      new PayloadError('X-Forgejo-Event: this is a Forgejo webhook; point it at /webhooks/forgejo'),
    )
  })

  it.each([
    ['{"action":', 'body is not valid JSON'],
    ['{"workflow_run":{}}', 'action: missing'],
    ['{"action":"completed"}', 'workflow_run: missing'],
    [edited('gitea/workflow_run-completed-failure.json', (b) => (b.workflow_run.id = 'x')), 'workflow_run.id: expected a number, got string'],
    [edited('gitea/workflow_run-completed-failure.json', (b) => (b.workflow_run.started_at = 'later')), 'workflow_run.started_at: expected a time'],
    [edited('gitea/workflow_run-completed-failure.json', (b) => (b.repository.full_name = 5)), 'repository.full_name: expected a string, got number'],
    [edited('gitea/workflow_run-completed-failure.json', (b) => delete b.repository), 'repository: missing (expected an object)'],
  ])('bad workflow_run payload %# → PayloadError naming the field', (body, message) => {
    const r = () => gitea.parse(req(body, { 'x-gitea-event': 'workflow_run' }))
    expect(r).toThrow(PayloadError)
    expect(r).toThrow(message)
  })

  it('names the field of a bad workflow_job payload', () => {
    const body = edited('gitea/workflow_job-completed-failure.json', (b) => (b.workflow_job.steps = {}))
    expect(() => gitea.parse(req(body, { 'x-gitea-event': 'workflow_job' }))).toThrow(new PayloadError('workflow_job.steps: expected an array, got object'))
  })

  it('gives events the CommonEvent schema accepts', () => {
    for (const [file, event] of [['workflow_run-completed-failure.json', 'workflow_run'], ['workflow_run-requested.json', 'workflow_run'], ['workflow_job-completed-failure.json', 'workflow_job']]) {
      const e = toEvent('gitea', req(fixture(`gitea/${file}`), { 'x-gitea-event': event }), { id: 'x', now: new Date('2026-12-04T03:00:00Z') })
      expect(CommonEvent.parse(e)).toEqual(e)
    }
  })
})

describe('gitea verify', () => {
  const secret = 'gitea-Secret-of-the-hook'
  const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex')

  it('checks X-Gitea-Signature: hex HMAC-SHA256 of the raw body, no prefix', () => {
    const body = fixture('gitea/workflow_run-completed-failure.json')
    expect(gitea.auth.in).toBe('body')
    expect(gitea.auth.present({ headers: new Headers({ 'x-gitea-signature': sign(body) }), query: new URLSearchParams() })).toBe(true)
    expect(gitea.verify(req(body, { 'x-gitea-signature': sign(body) }), secret)).toBe(true)
    // The same JSON re-serialised is a different body.
    expect(gitea.verify(req(JSON.stringify(JSON.parse(body)), { 'x-gitea-signature': sign(body) }), secret)).toBe(false)
  })

  it('refuses wrong, missing, wrong-length, prefixed and GitHub-header-only signatures', () => {
    const body = 'Hello, Gitea!'
    const good = sign(body)
    expect(gitea.auth.present({ headers: new Headers({ 'x-hub-signature-256': `sha256=${good}` }), query: new URLSearchParams() })).toBe(false)
    expect(gitea.verify(req(body), secret)).toBe(false)
    expect(gitea.verify(req(body, { 'x-gitea-signature': sign(body, 'another secret') }), secret)).toBe(false)
    expect(gitea.verify(req(body, { 'x-gitea-signature': good.slice(0, -2) }), secret)).toBe(false)
    expect(gitea.verify(req(body, { 'x-gitea-signature': `sha256=${good}` }), secret)).toBe(false)
    expect(gitea.verify(req(body, { 'x-gitea-signature': good.toUpperCase() }), secret)).toBe(false)
    expect(gitea.verify(req(`${body} `, { 'x-gitea-signature': good }), secret)).toBe(false)
    expect(gitea.verify(req(body, { 'x-hub-signature-256': `sha256=${good}` }), secret)).toBe(false)
  })
})
