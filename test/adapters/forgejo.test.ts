import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { forgejo } from '../../adapters/forgejo/index.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { CommonEvent, type ParsedEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { edited, fixture, req } from './request.js'

const DELIVERY = '5b1f3a9c-7e2d-4c60-8f14-a2b3c4d5e6f7'

function parse(body: string, event: string, headers: Record<string, string> = {}): ParsedEvent {
  const r = forgejo.parse(req(body, { 'content-type': 'application/json', 'x-forgejo-event': event, 'x-forgejo-delivery': DELIVERY, ...headers }))
  if (isIgnored(r)) throw new Error(`unexpectedly ignored: ${r.ignored}`)
  return r
}
const actionRun = (outcome: string) => parse(fixture(`forgejo/action_run_${outcome}.json`), `action_run_${outcome}`)

describe('forgejo action_run', () => {
  it('maps action_run_failure field by field', () => {
    expect(actionRun('failure')).toEqual({
      source: 'forgejo',
      kind: 'pipeline',
      status: 'failed',
      source_status: 'failure/failure',
      finished: true,
      project: { name: 'api', path: 'ops/api', url: 'https://forgejo.example.org/ops/api' },
      ref: 'main',
      sha: '9c3e1f0a7b2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e',
      commit: { title: 'fix: retry the payment callback', url: 'https://forgejo.example.org/ops/api/commit/9c3e1f0a7b2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e' },
      actor: { username: 'zhangsan', name: '张三' },
      number: 41,
      name: 'ci.yml',
      url: 'https://forgejo.example.org/ops/api/actions/runs/41',
      started_at: '2026-12-04T02:00:05.000Z',
      finished_at: '2026-12-04T02:03:35.000Z',
      duration_s: 210,
      delivery_id: DELIVERY,
    })
  })

  it.each([
    ['success', 'success', 'success/success'],
    // recover: a success after a failure; ci-notify's own transition says "fixed" from the runs it has seen
    ['recover', 'success', 'recover/success'],
  ])('maps action_run_%s → %s', (outcome, status, source_status) => {
    expect(actionRun(outcome)).toMatchObject({ status, source_status, finished: true })
  })

  it('keeps the action as the status when the run has none', () => {
    const body = edited('forgejo/action_run_failure.json', (b) => delete b.run.status)
    expect(parse(body, 'action_run_failure')).toMatchObject({ status: 'failed', source_status: 'failure', finished: true })
  })

  it('dedupes by X-Forgejo-Delivery; without it, by run and outcome', () => {
    const body = fixture('forgejo/action_run_failure.json')
    expect(parse(body, 'action_run_failure').delivery_id).toBe(DELIVERY)
    expect(parse(body, 'action_run_failure', { 'x-forgejo-delivery': '' }).delivery_id).toBe('action_run:902:failure')
    // The Gitea copy of the header is not the one read: a Forgejo delivery is named by Forgejo's header.
    expect(parse(body, 'action_run_failure', { 'x-forgejo-delivery': '', 'x-gitea-delivery': 'other' }).delivery_id).toBe('action_run:902:failure')
  })
})

describe('forgejo events, bodies and errors', () => {
  it('ignores other events with a reason, Forgejo workflow_job included', () => {
    expect(forgejo.parse(req('{}', { 'x-forgejo-event': 'push' }))).toEqual({ ignored: 'forgejo event "push" is not translated' })
    expect(forgejo.parse(req('{"action":"completed"}', { 'x-forgejo-event': 'workflow_job' }))).toEqual({ ignored: 'forgejo event "workflow_job" is not translated' })
  })

  it('requires X-Forgejo-Event (the X-Gitea-Event copy is not read)', () => {
    const body = fixture('forgejo/action_run_failure.json')
    expect(() => forgejo.parse(req(body, { 'x-gitea-event': 'action_run_failure' }))).toThrow(new PayloadError('missing X-Forgejo-Event header'))
  })

  it.each([
    ['{"action":', 'body is not valid JSON'],
    ['{"run":{}}', 'action: missing'],
    [fixture('forgejo/action_run_success.json'), 'action: expected "failure" for X-Forgejo-Event "action_run_failure", got "success"'],
    ['{"action":"failure"}', 'run: missing (expected an object)'],
    [edited('forgejo/action_run_failure.json', (b) => (b.run.id = 'x')), 'run.id: expected a number, got string'],
    [edited('forgejo/action_run_failure.json', (b) => delete b.run.repository), 'run.repository: missing (expected an object)'],
    [edited('forgejo/action_run_failure.json', (b) => (b.run.repository.full_name = 5)), 'run.repository.full_name: expected a string, got number'],
    [edited('forgejo/action_run_failure.json', (b) => (b.run.stopped = 'soon')), 'run.stopped: expected a time'],
  ])('bad payload %# → PayloadError naming the field', (body, message) => {
    const r = () => forgejo.parse(req(body, { 'x-forgejo-event': 'action_run_failure' }))
    expect(r).toThrow(PayloadError)
    expect(r).toThrow(message)
  })

  it('gives events the CommonEvent schema accepts', () => {
    for (const outcome of ['failure', 'recover', 'success']) {
      const e = toEvent('forgejo', req(fixture(`forgejo/action_run_${outcome}.json`), { 'x-forgejo-event': `action_run_${outcome}` }), { id: 'x', now: new Date('2026-12-04T03:00:00Z') })
      expect(CommonEvent.parse(e)).toEqual(e)
    }
  })
})

describe('forgejo verify', () => {
  const secret = 'forgejo-Secret-of-the-hook'
  const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex')

  it('checks X-Forgejo-Signature: hex HMAC-SHA256 of the raw body, no prefix', () => {
    const body = fixture('forgejo/action_run_failure.json')
    expect(forgejo.auth.in).toBe('body')
    expect(forgejo.verify(req(body, { 'x-forgejo-signature': sign(body) }), secret)).toBe(true)
    expect(forgejo.verify(req(JSON.stringify(JSON.parse(body)), { 'x-forgejo-signature': sign(body) }), secret)).toBe(false)
  })

  it('refuses wrong, missing, wrong-length, prefixed and Gitea-header-only signatures', () => {
    const body = 'Hello, Forgejo!'
    const good = sign(body)
    expect(forgejo.auth.present({ headers: new Headers({ 'x-gitea-signature': good }), query: new URLSearchParams() })).toBe(false)
    expect(forgejo.verify(req(body), secret)).toBe(false)
    expect(forgejo.verify(req(body, { 'x-forgejo-signature': sign(body, 'another secret') }), secret)).toBe(false)
    expect(forgejo.verify(req(body, { 'x-forgejo-signature': good.slice(0, -2) }), secret)).toBe(false)
    expect(forgejo.verify(req(body, { 'x-forgejo-signature': `sha256=${good}` }), secret)).toBe(false)
    expect(forgejo.verify(req(`${body} `, { 'x-forgejo-signature': good }), secret)).toBe(false)
    expect(forgejo.verify(req(body, { 'x-gitea-signature': good }), secret)).toBe(false)
  })
})
