import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { readPayload } from '../../adapters/from-file.js'
import { run } from '../../src/commands/normalize.js'
import { PayloadError } from '../../src/errors.js'

const fx = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url))
const xmlSample = fileURLToPath(new URL('./samples/jenkins-finalized-unstable.xml', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ci-notify-normalize-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => vi.restoreAllMocks())

/** Runs the command with stdout and stderr captured. */
async function cli(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true))
  const code = await run(argv)
  vi.restoreAllMocks()
  return { code, stdout, stderr }
}

describe('ci-notify normalize', () => {
  it('prints the common event of a GitLab pipeline, inferring X-Gitlab-Event from object_kind', async () => {
    const { code, stdout, stderr } = await cli('--source', 'gitlab', fx('gitlab/pipeline-failed-adapted.json'))
    expect([code, stderr]).toEqual([0, ''])
    expect(JSON.parse(stdout)).toMatchObject({ id: 'preview', source: 'gitlab', kind: 'pipeline', status: 'failed', number: 31, project: { path: 'gitlab-org/gitlab-test' } })
  })

  it('uses --header flags', async () => {
    const { code, stdout } = await cli(
      '--source', 'gitlab', fx('gitlab/job-created-docs.json'),
      '--header', 'X-Gitlab-Event: Build Hook', '--header', 'Idempotency-Key: abc-123',
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'build', delivery_id: 'abc-123' })
  })

  it('prints {"ignored": …} for an event ci-notify does not translate', async () => {
    const { code, stdout } = await cli('--source', 'jenkins', fx('jenkins/completed-success-wiki.json'))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ ignored: 'COMPLETED is followed by FINALIZED; notifying on FINALIZED only' })
  })

  it('reads Jenkins XML and infers the GitHub event from the body', async () => {
    const xml = await cli('--source', 'jenkins', xmlSample)
    expect(JSON.parse(xml.stdout)).toMatchObject({ source: 'jenkins', status: 'unstable', number: 42 })
    const deploy = await cli('--source', 'github', fx('github/deployment_status-created-in_progress-actions.json'))
    expect(JSON.parse(deploy.stdout)).toMatchObject({ kind: 'deploy', status: 'running' })
    const wr = await cli('--source', 'github', fx('github/workflow_run-completed-success.json'))
    expect(JSON.parse(wr.stdout)).toMatchObject({ kind: 'pipeline', status: 'success' })
  })

  it('reads Gitea and Forgejo payloads, inferring X-Gitea-Event and X-Forgejo-Event from the body', async () => {
    const run = await cli('--source', 'gitea', fx('gitea/workflow_run-completed-failure.json'))
    expect([run.code, run.stderr]).toEqual([0, ''])
    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'gitea', kind: 'pipeline', status: 'failed', number: 87 })
    const job = await cli('--source', 'gitea', fx('gitea/workflow_job-completed-failure.json'))
    expect(JSON.parse(job.stdout)).toMatchObject({ source: 'gitea', kind: 'build', status: 'failed' })
    const recover = await cli('--source', 'forgejo', fx('forgejo/action_run_recover.json'))
    expect(JSON.parse(recover.stdout)).toMatchObject({ source: 'forgejo', kind: 'pipeline', status: 'success', source_status: 'recover/success' })
  })

  it('exits 1 with the field named on a bad payload', async () => {
    const file = join(dir, 'bad-pipeline.json')
    writeFileSync(file, JSON.stringify({ object_kind: 'pipeline', project: { path_with_namespace: 'g/p' }, object_attributes: { id: 1 } }))
    const { code, stdout, stderr } = await cli('--source', 'gitlab', file)
    expect([code, stdout]).toEqual([1, ''])
    expect(stderr).toBe(`ci-notify normalize: ${file}: object_attributes.status: missing (expected a non-empty string)\n`)
  })

  it('exits 1 on a body that is not JSON', async () => {
    const file = join(dir, 'not-json.json')
    writeFileSync(file, 'hello')
    const { code, stderr } = await cli('--source', 'gitlab', file, '--header', 'X-Gitlab-Event: Pipeline Hook')
    expect(code).toBe(1)
    expect(stderr).toMatch(/body is not valid JSON/)
  })

  it.each([
    [[], '--source is required'],
    [['--source', 'circleci', 'x.json'], '--source "circleci" is not built in, and the rules file that would define it does not load: rules.yaml: cannot read the rules file: no such file'],
    [['--source', 'gitlab'], 'expected one payload FILE, got 0'],
    [['--source', 'gitlab', 'a.json', 'b.json'], 'expected one payload FILE, got 2'],
    [['--source', 'gitlab', 'a.json', '--header', 'no colon'], `--header "no colon" must look like 'Name: value'`],
    [['--source', 'gitlab', 'a.json', '--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv)
    expect([code, stdout]).toEqual([2, ''])
    expect(stderr).toContain(message)
    expect(stderr).toContain('usage: ci-notify normalize')
  })

  it('exits 2 when the file cannot be read', async () => {
    const { code, stderr } = await cli('--source', 'gitlab', join(dir, 'missing.json'))
    expect(code).toBe(2)
    expect(stderr).toContain('cannot read')
    expect(stderr).toContain('ENOENT')
  })

  it('prints help', async () => {
    const { code, stdout } = await cli('--help')
    expect(code).toBe(0)
    expect(stdout).toContain('--source S')
    expect(stdout).toContain('--header')
  })
})

describe('readPayload', () => {
  it('parses headers and fills in Content-Type and the event header from the body', () => {
    const r = readPayload('gitlab', fx('gitlab/deployment-success-docs.json'), ['X-Gitlab-Token:  t0k  '])
    expect([r.headers.get('x-gitlab-event'), r.headers.get('x-gitlab-token'), r.headers.get('content-type')]).toEqual([
      'Deployment Hook',
      't0k',
      'application/json',
    ])
    expect(readPayload('jenkins', xmlSample, []).headers.get('content-type')).toBe('application/xml')
  })

  it('never overrides a header that was given', () => {
    const r = readPayload('gitlab', fx('gitlab/deployment-success-docs.json'), ['X-Gitlab-Event: Push Hook'])
    expect(r.headers.get('x-gitlab-event')).toBe('Push Hook')
  })

  it('infers GitHub events from form-encoded bodies too, and leaves unknown bodies without one', () => {
    const form = join(dir, 'form.txt')
    writeFileSync(form, new URLSearchParams({ payload: '{"zen":"Keep it logically awesome.","hook_id":7}' }).toString())
    const r = readPayload('github', form, [])
    expect([r.headers.get('content-type'), r.headers.get('x-github-event')]).toEqual(['application/x-www-form-urlencoded', 'ping'])
    const other = join(dir, 'other.json')
    writeFileSync(other, '{"action":"opened"}')
    expect(readPayload('github', other, []).headers.has('x-github-event')).toBe(false)
  })

  it('throws PayloadError when the GitLab event must be inferred from a body that is not JSON', () => {
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{')
    expect(() => readPayload('gitlab', file, [])).toThrow(PayloadError)
  })
})
