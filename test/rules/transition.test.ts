import { describe, expect, it } from 'vitest'
import { route } from '../../rules/route.js'
import { pipelineKey } from '../../rules/pipeline-key.js'
import type { PipelineState } from '../../src/routing.js'
import type { Status } from '../../src/event.js'
import { makeEvent } from './make-event.js'
import { rulesWith } from './rules-yaml.js'

const rules = rulesWith('  - { name: any, notify: [dev] }\n')
const prev = (status: Status, number = 99, attempt = 1): PipelineState => ({ status, number, attempt, event_id: 'prev' })
const decide = (status: Status, p: PipelineState | undefined, o: Parameters<typeof makeEvent>[0] = {}) =>
  route(makeEvent({ status, ...o }), rules, p)

describe('transitions', () => {
  it.each([
    ['failed', undefined, 'first'],
    ['success', undefined, 'first'],
    ['failed', prev('success'), 'broken'],
    ['failed', prev('unstable'), 'broken'],
    ['success', prev('failed'), 'fixed'],
    ['failed', prev('failed'), 'still_failing'],
    ['success', prev('success'), null],
    ['unstable', prev('failed'), null],
    ['canceled', prev('failed'), null],
  ] as const)('%s after %j → %s', (status, p, want) => {
    expect(decide(status, p).routing.transition).toBe(want)
  })

  it('a finished run stores its state', () => {
    expect(decide('failed', prev('success'), { id: 'e7', number: 100, attempt: 2, finished_at: '2026-01-01T00:00:00Z' }).state).toEqual({
      status: 'failed',
      number: 100,
      attempt: 2,
      event_id: 'e7',
      finished_at: '2026-01-01T00:00:00Z',
      // broken now: a reminder's "failing for 4 hours" counts from when we received this run
      failing_since: '2026-01-01T00:00:00.000Z',
    })
  })

  it('a run that is not finished has no transition and leaves the state', () => {
    const d = decide('running', prev('failed'), { finished: false })
    expect(d.routing.transition).toBeNull()
    expect(d.state).toBeUndefined()
  })

  it('canceled and skipped runs leave the state: they say nothing about health', () => {
    expect(decide('canceled', prev('failed')).state).toBeUndefined()
    expect(decide('skipped', undefined).state).toBeUndefined()
  })

  it('out of order: an older run finishing late gets no transition and does not change the state', () => {
    const newer = prev('success', 101)
    const d = decide('failed', newer, { number: 100 })
    expect(d.routing.transition).toBeNull()
    expect(d.state).toBeUndefined()
  })

  it('out of order by attempt: same run number, lower attempt', () => {
    const d = decide('failed', prev('success', 100, 2), { number: 100, attempt: 1 })
    expect(d.routing.transition).toBeNull()
    expect(d.state).toBeUndefined()
    // a re-run (higher attempt) of the same number is newer
    expect(decide('success', prev('failed', 100, 1), { number: 100, attempt: 2 }).routing.transition).toBe('fixed')
  })

  it('the same run finishing again (a GitLab retry in the same pipeline) is compared, not ignored', () => {
    expect(decide('success', prev('failed', 100), { number: 100 }).routing.transition).toBe('fixed')
  })

  it('the same run and attempt arriving out of order: the earlier finish is older (GitLab does not order its hooks)', () => {
    const later: PipelineState = { status: 'success', number: 100, attempt: 1, event_id: 'p', finished_at: '2026-01-02T00:10:00Z' }
    const late = decide('failed', later, { number: 100, attempt: 1, finished_at: '2026-01-02T00:05:00Z' })
    expect(late.routing.transition).toBeNull()
    expect(late.state).toBeUndefined()
    // in order it is compared as usual
    expect(decide('failed', later, { number: 100, attempt: 1, finished_at: '2026-01-02T00:20:00Z' }).routing.transition).toBe('broken')
  })

  it('without run numbers, the finish time decides what is older', () => {
    const p: PipelineState = { status: 'success', event_id: 'p', finished_at: '2026-01-02T00:00:00Z' }
    expect(decide('failed', p, { number: undefined, finished_at: '2026-01-01T00:00:00Z' }).routing.transition).toBeNull()
    expect(decide('failed', p, { number: undefined, finished_at: '2026-01-03T00:00:00Z' }).routing.transition).toBe('broken')
  })

  it('out-of-order events still route by their other conditions', () => {
    const r = rulesWith('  - { name: fails, match: { status: failed }, notify: [dev] }\n  - { name: broke, match: { transition: broken }, notify: [ops] }\n')
    expect(route(makeEvent({ number: 1 }), r, prev('success', 5)).routing.matched).toEqual(['fails'])
  })
})

describe('pipelineKey', () => {
  it('source, kind, project, branch or tag, name', () => {
    expect(pipelineKey(makeEvent())).toBe('gitlab|pipeline|group/app|branch:main|ci|')
    expect(pipelineKey(makeEvent({ branch: undefined, tag: 'v1' }))).toBe('gitlab|pipeline|group/app|tag:v1|ci|')
  })

  it('deploys are per environment', () => {
    expect(pipelineKey(makeEvent({ kind: 'deploy', environment: 'production' }))).not.toBe(pipelineKey(makeEvent({ kind: 'deploy', environment: 'staging' })))
  })

  it('differs by each part', () => {
    const base = pipelineKey(makeEvent())
    for (const o of [{ source: 'github' as const }, { kind: 'build' as const }, { project: { name: 'a', path: 'group/other' } }, { branch: 'dev' }, { name: 'nightly' }]) {
      expect(pipelineKey(makeEvent(o))).not.toBe(base)
    }
  })
})
