import { describe, expect, it } from 'vitest'
import { gitlab } from '../../adapters/gitlab/index.js'
import { isIgnored, type Ignored } from '../../adapters/common/types.js'
import type { ParsedEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { edited, fixture, req } from './request.js'

const HOOK = { pipeline: 'Pipeline Hook', job: 'Job Hook', deployment: 'Deployment Hook' }

function parse(body: string, event: string, headers: Record<string, string> = {}): ParsedEvent {
  const r = gitlab.parse(req(body, { 'x-gitlab-event': event, ...headers }))
  if (isIgnored(r)) throw new Error(`unexpectedly ignored: ${r.ignored}`)
  return r
}
const fx = (name: string, event: string) => parse(fixture(`gitlab/${name}`), event)

describe('gitlab pipeline hook', () => {
  it('maps the docs pipeline (success) field by field', () => {
    const e = fx('pipeline-success-docs.json', HOOK.pipeline)
    expect(e).toMatchObject({
      source: 'gitlab',
      kind: 'pipeline',
      status: 'success',
      source_status: 'success / passed',
      finished: true,
      project: { name: 'Gitlab Test', path: 'gitlab-org/gitlab-test', url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test' },
      ref: 'master',
      branch: 'master',
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      commit: {
        title: 'test',
        message: 'test\n',
        author: { name: 'User', email: 'user@gitlab.com' },
        url: 'http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      },
      actor: { name: 'Administrator', username: 'root', email: 'user_email@gitlab.com' },
      number: 31,
      name: 'Pipeline for branch: master',
      url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
      started_at: '2016-08-12T15:23:28.000Z',
      finished_at: '2016-08-12T15:26:29.000Z',
      duration_s: 63,
      queued_s: 10,
      merge_request: {
        number: 1,
        reference: '!1',
        title: 'Test',
        url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1',
        source_branch: 'test',
        target_branch: 'master',
      },
      delivery_id: '1:pipeline:31:success:2016-08-12 15:26:29 UTC',
    })
    expect(e.tag).toBeUndefined()
  })

  it('builds stages from builds[], in object_attributes.stages order, with jobs, durations and failure reasons', () => {
    const { stages } = fx('pipeline-success-docs.json', HOOK.pipeline)
    const web = 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs'
    expect(stages?.map((s) => [s.name, s.status, s.duration_s])).toEqual([
      ['build', 'success', 30],
      ['test', 'failed', 17],
      ['deploy', 'queued', undefined],
    ])
    expect(stages?.[1].jobs).toEqual([
      { name: 'test-image', status: 'success', source_status: 'success', url: `${web}/377`, allow_failure: false, failure_reason: undefined, duration_s: 17 },
      { name: 'test-build', status: 'failed', source_status: 'failed', url: `${web}/378`, allow_failure: false, failure_reason: 'script_failure', duration_s: 17 },
    ])
    expect(stages?.[2].jobs.map((j) => [j.name, j.status, j.source_status])).toEqual([
      ['staging', 'queued', 'created'],
      ['production', 'skipped', 'skipped'],
    ])
  })

  it('maps the running and failed variants', () => {
    const running = fx('pipeline-running-adapted.json', HOOK.pipeline)
    expect(running).toMatchObject({ status: 'running', source_status: 'running', finished: false, delivery_id: '1:pipeline:31:running:' })
    expect(running.finished_at).toBeUndefined()
    expect(running.duration_s).toBeUndefined()
    expect(fx('pipeline-failed-adapted.json', HOOK.pipeline)).toMatchObject({ status: 'failed', finished: true, source_status: 'failed' })
  })

  it('maps "passed with warnings" to unstable and a manual gate to manual (not finished)', () => {
    const warn = edited('gitlab/pipeline-success-docs.json', (b) => (b.object_attributes.detailed_status = 'passed with warnings'))
    expect(parse(warn, HOOK.pipeline)).toMatchObject({ status: 'unstable', finished: true, source_status: 'success / passed with warnings' })
    const manual = edited('gitlab/pipeline-success-docs.json', (b) => {
      b.object_attributes.status = 'manual'
      b.object_attributes.detailed_status = 'manual action'
    })
    expect(parse(manual, HOOK.pipeline)).toMatchObject({ status: 'manual', finished: false })
  })

  it.each([
    ['created', 'queued'], ['waiting_for_resource', 'queued'], ['preparing', 'queued'], ['pending', 'queued'], ['scheduled', 'queued'],
    ['canceling', 'running'], ['canceled', 'canceled'], ['skipped', 'skipped'],
  ])('maps pipeline status %s → %s', (native, want) => {
    const body = edited('gitlab/pipeline-success-docs.json', (b) => {
      b.object_attributes.status = native
      delete b.object_attributes.detailed_status
    })
    expect(parse(body, HOOK.pipeline)).toMatchObject({ status: want, source_status: native })
  })

  it('tolerates an unknown status: not finished, kept verbatim', () => {
    const body = edited('gitlab/pipeline-success-docs.json', (b) => {
      b.object_attributes.status = 'teleporting'
      b.object_attributes.detailed_status = 'teleporting'
      b.builds[0].status = 'levitating'
    })
    const e = parse(body, HOOK.pipeline)
    expect(e).toMatchObject({ status: 'running', finished: false, source_status: 'teleporting' })
    expect(e.stages?.find((s) => s.name === 'deploy')?.jobs.find((j) => j.name === 'production')).toMatchObject({ status: 'running', source_status: 'levitating' })
  })

  it('tells tags from branches, drops "[REDACTED]" emails and builds the url when GitLab sends none', () => {
    const body = edited('gitlab/pipeline-success-docs.json', (b) => {
      b.object_attributes.tag = true
      b.object_attributes.ref = 'v1.2.0'
      delete b.object_attributes.url
      b.user.email = '[REDACTED]'
    })
    const e = parse(body, HOOK.pipeline)
    expect(e).toMatchObject({ ref: 'v1.2.0', tag: 'v1.2.0', url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31' })
    expect(e.branch).toBeUndefined()
    expect(e.actor).toEqual({ name: 'Administrator', username: 'root', email: undefined })
  })

  it('marks a stage whose only failure is allowed to fail as unstable', () => {
    const body = edited('gitlab/pipeline-success-docs.json', (b) => (b.builds[2].allow_failure = true))
    expect(parse(body, HOOK.pipeline).stages?.find((s) => s.name === 'test')?.status).toBe('unstable')
  })

  it('prefers Idempotency-Key, then X-Gitlab-Event-UUID, for the delivery id', () => {
    const body = fixture('gitlab/pipeline-success-docs.json')
    const both = { 'idempotency-key': 'a5461c4d-9c7f-4af9-add6-cddebe3c426f', 'x-gitlab-event-uuid': '9cebe914-4827-408f-b014-cfa23a47a35f' }
    expect(parse(body, HOOK.pipeline, both).delivery_id).toBe('a5461c4d-9c7f-4af9-add6-cddebe3c426f')
    expect(parse(body, HOOK.pipeline, { 'x-gitlab-event-uuid': '9cebe914-4827-408f-b014-cfa23a47a35f' }).delivery_id).toBe(
      '9cebe914-4827-408f-b014-cfa23a47a35f',
    )
  })

  it('without GitLab ids (before 14.8), a retried pipeline failing again is a new event, a resend of one is not', () => {
    const first = parse(fixture('gitlab/pipeline-failed-adapted.json'), HOOK.pipeline).delivery_id
    const again = edited('gitlab/pipeline-failed-adapted.json', (b) => (b.object_attributes.finished_at = '2016-08-12 16:02:11 UTC'))
    expect(parse(again, HOOK.pipeline).delivery_id).not.toBe(first)
    expect(parse(fixture('gitlab/pipeline-failed-adapted.json'), HOOK.pipeline).delivery_id).toBe(first)
  })
})

describe('gitlab job hook', () => {
  it('maps the docs job (created)', () => {
    const e = fx('job-created-docs.json', HOOK.job)
    expect(e).toMatchObject({
      source: 'gitlab',
      kind: 'build',
      status: 'queued',
      source_status: 'created',
      finished: false,
      project: { name: 'Gitlab Test', path: 'gitlab-org/gitlab-test', url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test' },
      ref: 'gitlab-script-trigger',
      branch: 'gitlab-script-trigger',
      sha: '2293ada6b400935a1378653304eaf6221e0fdb8f',
      actor: { name: 'User', username: 'user', email: 'user@gitlab.com' },
      number: 1977,
      attempt: 3,
      name: 'test',
      url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/1977',
      queued_s: 1095.588715,
      delivery_id: '380:job:1977:created',
    })
    expect(e.started_at).toBeUndefined()
    // "unknown_failure" is sent for jobs that did not fail.
    expect(e.stages).toEqual([{ name: 'test', status: 'queued', duration_s: undefined, jobs: [expect.objectContaining({ name: 'test', failure_reason: undefined })] }])
  })

  it('maps a real GitLab.com job capture (success) with times, duration and environment', () => {
    const e = fx('job-success-gitlabcom-go-gitlab.json', HOOK.job)
    expect(e).toMatchObject({
      kind: 'build',
      status: 'success',
      finished: true,
      // No `project` object in this capture: the path comes from repository.homepage.
      project: { name: 'release-tools-fake', path: 'jsmithy2/release-tools-fake', url: 'https://gitlab.com/jsmithy2/release-tools-fake' },
      branch: 'main',
      sha: '95d49d1efbd941908580e79d65e4b5ecaf4a8305',
      commit: { title: 'Remove test jobs and add back other jobs', author: { name: 'John Smith', email: 'john@smith.com' } },
      actor: { username: 'jsmithy2' },
      number: 3580121225,
      attempt: 2,
      name: 'auto_deploy:start',
      url: 'https://gitlab.com/jsmithy2/release-tools-fake/-/jobs/3580121225',
      started_at: '2023-01-10T13:50:05.000Z',
      finished_at: '2023-01-10T13:50:54.000Z',
      duration_s: 49.503592,
      environment: 'production',
      delivery_id: '31537070:job:3580121225:success',
    })
    expect(e.stages?.[0]).toMatchObject({ name: 'coordinated:tag', status: 'success' })
  })

  it('maps a real GitLab.com job capture (running) and drops the redacted email', () => {
    const e = fx('job-running-gitlabcom-mercury-bot.json', HOOK.job)
    expect(e).toMatchObject({
      status: 'running',
      finished: false,
      project: { name: 'Mercury Test', path: 'butvinm/mercury-test' },
      started_at: '2024-02-12T02:11:09.000Z',
      attempt: 1,
      actor: { name: 'Mihail Butvin', username: 'butvinm' },
    })
    expect(e.actor?.email).toBeUndefined()
    expect(e.finished_at).toBeUndefined()
  })

  it('prefers *_iso times and keeps failure_reason only for a failed job', () => {
    const body = edited('gitlab/job-created-docs.json', (b) => {
      b.build_status = 'failed'
      b.build_failure_reason = 'script_failure'
      b.build_started_at = '2021-02-23 02:41:40 UTC'
      b.build_started_at_iso = '2021-02-23T02:41:41Z'
      b.build_finished_at_iso = '2021-02-23T02:42:41Z'
      b.build_duration = 60
    })
    const e = parse(body, HOOK.job)
    expect(e).toMatchObject({ status: 'failed', finished: true, started_at: '2021-02-23T02:41:41.000Z', finished_at: '2021-02-23T02:42:41.000Z', duration_s: 60 })
    expect(e.stages?.[0].jobs[0].failure_reason).toBe('script_failure')
  })

  it('reads a failed job that may fail as unstable', () => {
    const body = edited('gitlab/job-created-docs.json', (b) => {
      b.build_status = 'failed'
      b.build_allow_failure = true
    })
    expect(parse(body, HOOK.job)).toMatchObject({ status: 'unstable', source_status: 'failed', finished: true })
  })

  it('accepts the legacy "Build Hook" header', () => {
    expect(parse(fixture('gitlab/job-created-docs.json'), 'Build Hook')).toMatchObject({ kind: 'build', number: 1977 })
  })
})

describe('gitlab deployment hook', () => {
  it('maps the docs deployment (success)', () => {
    const e = fx('deployment-success-docs.json', HOOK.deployment)
    expect(e).toMatchObject({
      source: 'gitlab',
      kind: 'deploy',
      status: 'success',
      finished: true,
      project: { name: 'test-deployment-webhooks', path: 'root/test-deployment-webhooks', url: 'http://10.126.0.2:3000/root/test-deployment-webhooks' },
      sha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
      commit: { title: 'Add new file', url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468' },
      actor: { name: 'Administrator', username: 'root', email: 'admin@example.com' },
      number: 15,
      url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796',
      finished_at: '2021-04-28T19:50:00.000Z',
      environment: 'staging',
      deployment: { environment: 'staging', url: 'https://staging.example.com', version: '279484c0' },
      delivery_id: '30:deployment:15:success',
    })
  })

  it('maps running and failed; status_changed_at is the start of a running deployment', () => {
    const running = fx('deployment-running-adapted.json', HOOK.deployment)
    expect(running).toMatchObject({ status: 'running', finished: false, started_at: '2021-04-28T19:50:00.000Z' })
    expect(running.finished_at).toBeUndefined()
    expect(fx('deployment-failed-adapted.json', HOOK.deployment)).toMatchObject({ status: 'failed', finished: true })
  })

  it('falls back to the environments page without a deployable job, and keeps ref', () => {
    const body = edited('gitlab/deployment-success-docs.json', (b) => {
      b.deployable_url = null
      b.ref = 'main'
      b.status = 'blocked'
    })
    expect(parse(body, HOOK.deployment)).toMatchObject({
      status: 'queued',
      finished: false,
      url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/environments',
      ref: 'main',
      deployment: { ref: 'main', version: '279484c0' },
    })
  })
})

describe('gitlab event routing', () => {
  it.each(['Push Hook', 'Merge Request Hook', 'System Hook', 'Tag Push Hook'])('ignores %s (2xx, never 4xx)', (event) => {
    const r = gitlab.parse(req('{"object_kind":"push"}', { 'x-gitlab-event': event })) as Ignored
    expect(r).toEqual({ ignored: `gitlab event "${event}" is not translated` })
  })

  it('requires X-Gitlab-Event', () => {
    expect(() => gitlab.parse(req(fixture('gitlab/pipeline-success-docs.json')))).toThrow(new PayloadError('missing X-Gitlab-Event header'))
  })

  it('requires object_kind to agree with the header', () => {
    const run = () => gitlab.parse(req(fixture('gitlab/job-created-docs.json'), { 'x-gitlab-event': HOOK.pipeline }))
    expect(run).toThrow(PayloadError)
    expect(run).toThrow('object_kind: expected "pipeline" for X-Gitlab-Event "Pipeline Hook", got "build"')
  })

  it.each([
    ['not json', HOOK.pipeline, 'body is not valid JSON'],
    ['[]', HOOK.pipeline, 'body: expected an object, got array'],
    ['{}', HOOK.pipeline, 'object_kind: missing'],
    [edited('gitlab/pipeline-success-docs.json', (b) => delete b.object_attributes), HOOK.pipeline, 'object_attributes: missing'],
    [edited('gitlab/pipeline-success-docs.json', (b) => (b.object_attributes.status = 7)), HOOK.pipeline, 'object_attributes.status: expected a string, got number'],
    [edited('gitlab/pipeline-success-docs.json', (b) => (b.builds[1].name = null)), HOOK.pipeline, 'builds[1].name: missing'],
    [edited('gitlab/pipeline-success-docs.json', (b) => (b.object_attributes.created_at = 'tuesday')), HOOK.pipeline, 'object_attributes.created_at: expected a time'],
    [edited('gitlab/pipeline-success-docs.json', (b) => delete b.project.path_with_namespace), HOOK.pipeline, 'project.path_with_namespace: missing'],
    [edited('gitlab/job-created-docs.json', (b) => delete b.build_id), HOOK.job, 'build_id: missing'],
    [edited('gitlab/job-created-docs.json', (b) => { delete b.project; delete b.repository }), HOOK.job, 'project.path_with_namespace: missing'],
    [edited('gitlab/deployment-success-docs.json', (b) => (b.status = ['x'])), HOOK.deployment, 'status: expected a string, got array'],
  ])('bad payload %# → PayloadError naming the field', (body, event, message) => {
    const run = () => gitlab.parse(req(body, { 'x-gitlab-event': event }))
    expect(run).toThrow(PayloadError)
    expect(run).toThrow(message)
  })
})

describe('gitlab verify', () => {
  const secret = 'gl-s3cret-token'
  const body = fixture('gitlab/pipeline-success-docs.json')
  it('accepts the right token and refuses wrong, missing and wrong-length ones', () => {
    expect(gitlab.verify(req(body, { 'x-gitlab-token': secret }), secret)).toBe(true)
    expect(gitlab.verify(req(body, { 'x-gitlab-token': 'gl-s3cret-tokeN' }), secret)).toBe(false)
    expect(gitlab.verify(req(body), secret)).toBe(false)
    expect(gitlab.verify(req(body, { 'x-gitlab-token': `${secret}x` }), secret)).toBe(false)
    expect(gitlab.verify(req(body, { 'x-gitlab-token': secret.slice(0, 3) }), secret)).toBe(false)
    expect(gitlab.verify(req(body, { 'x-gitlab-token': '' }), secret)).toBe(false)
  })
})
