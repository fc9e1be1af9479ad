import { describe, expect, it } from 'vitest'
import { boundStages } from '../../adapters/common/bound-stages.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { STAGE_LIMITS, type CommonEvent, type Job, type Stage } from '../../src/event.js'
import { renderers } from '../../src/platforms/index.js'
import * as f from '../render/events.js'
import { req } from './request.js'

/** A Pipeline Hook with n builds, each in its own stage or all in one; `failedAt` lists the builds that failed. */
function pipelineBody(n: number, o: { shape: 'own-stage' | 'one-stage'; failedAt?: number[]; webUrl?: string }): string {
  const failed = new Set(o.failedAt ?? [])
  const stage = (i: number) => (o.shape === 'own-stage' ? `s${i}` : 'test')
  const builds = Array.from({ length: n }, (_, i) => ({ id: i + 1, stage: stage(i), name: `j${i}`, status: failed.has(i) ? 'failed' : 'success' }))
  return JSON.stringify({
    object_kind: 'pipeline',
    object_attributes: { id: 7, ref: 'main', tag: false, status: failed.size ? 'failed' : 'success', stages: [...new Set(builds.map((b) => b.stage))] },
    project: { id: 1, name: 'p', path_with_namespace: 'g/p', web_url: o.webUrl ?? 'https://gitlab.example/g/p' },
    builds,
  })
}

function parse(body: string): CommonEvent {
  const e = toEvent('gitlab', req(body, { 'x-gitlab-event': 'Pipeline Hook' }), { id: 'evt_1', now: new Date('2026-01-01T00:00:00Z') })
  if (isIgnored(e)) throw new Error('ignored')
  return e
}

const job = (name: string, status: Job['status'] = 'success'): Job => ({ name, status })
const stage = (name: string, jobs: Job[]): Stage => ({ name, status: jobs.some((j) => j.status === 'failed') ? 'failed' : 'success', jobs })

/**
 * Elements visited by the array methods called while `fn` runs: a stand-in for the work done, counted, not timed.
 * The quadratic grouping of issue 16 item 5 filtered every build once per stage name.
 */
function arrayVisits(fn: () => void): number {
  const names = ['filter', 'map', 'flatMap', 'includes', 'indexOf', 'find', 'findIndex', 'some', 'every', 'forEach', 'reduce'] as const
  const proto = Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>
  const saved = names.map((n) => [n, proto[n]] as const)
  let visits = 0
  for (const [n, orig] of saved) {
    proto[n] = function (this: unknown[], ...a: unknown[]) {
      visits += this.length
      return orig.apply(this, a)
    }
  }
  try {
    fn()
  } finally {
    for (const [n, orig] of saved) proto[n] = orig
  }
  return visits
}

describe('GitLab stages: linear in builds', () => {
  it.each(['own-stage', 'one-stage'] as const)('%s: four times the builds cost about four times the work, not sixteen', (shape) => {
    const small = pipelineBody(1000, { shape })
    const large = pipelineBody(4000, { shape })
    parse(small) // warm up: no lazy initialisation counted
    const ratio = arrayVisits(() => parse(large)) / arrayVisits(() => parse(small))
    expect(ratio).toBeGreaterThan(3)
    expect(ratio).toBeLessThan(5)
  })
})

describe('what a pipeline event stores', () => {
  it('16 000 builds each in its own stage: 100 stages stored, the failed ones first, the rest counted', () => {
    const body = pipelineBody(16_000, { shape: 'own-stage', failedAt: [5, 15_999] })
    const e = parse(body)
    expect(e.stages).toHaveLength(STAGE_LIMITS.stages)
    // the failed stages are kept wherever they are, the others in order, all in pipeline order
    expect(e.stages!.map((s) => s.name).slice(0, 7)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6'])
    expect(e.stages!.at(-1)).toMatchObject({ name: 's15999', status: 'failed' })
    expect(e.omitted).toEqual({ stages: 15_900, jobs: 15_900, failed_jobs: 0 })
    expect(JSON.stringify(e).length).toBeLessThan(body.length / 10)
  })

  it('16 000 builds in one stage: its status counts them all, 200 jobs stored, failed ones first', () => {
    const failedAt = Array.from({ length: 150 }, (_, i) => 100 * i + 50)
    const body = pipelineBody(16_000, { shape: 'one-stage', failedAt })
    const e = parse(body)
    const [s] = e.stages!
    expect(s).toMatchObject({ name: 'test', status: 'failed' })
    expect(s.jobs).toHaveLength(STAGE_LIMITS.jobs)
    expect(s.jobs.filter((j) => j.status === 'failed')).toHaveLength(STAGE_LIMITS.failed_jobs)
    // kept in their order: j0…j49, the first failed one (j50), j51…
    expect(s.jobs.slice(49, 52).map((j) => j.name)).toEqual(['j49', 'j50', 'j51'])
    expect(e.omitted).toEqual({ stages: 0, jobs: 15_800, failed_jobs: 50 })
    expect(JSON.stringify(e).length).toBeLessThan(body.length / 10)
  })

  it('a long project URL is not copied into every job link', () => {
    const webUrl = 'https://gitlab.example/' + 'a'.repeat(100_000)
    const body = pipelineBody(1000, { shape: 'one-stage', webUrl })
    const e = parse(body)
    expect(e.stages![0].jobs[0].url).toBeUndefined()
    expect(JSON.stringify(e).length).toBeLessThan(body.length * 1.5)
    expect(parse(pipelineBody(3, { shape: 'one-stage' })).stages![0].jobs[0].url).toBe('https://gitlab.example/g/p/-/jobs/1')
  })

  it('a run within the limits is stored whole, with no omitted count', () => {
    const e = parse(pipelineBody(3, { shape: 'own-stage', failedAt: [1] }))
    expect(e.stages?.map((s) => s.jobs.length)).toEqual([1, 1, 1])
    expect(e.omitted).toBeUndefined()
  })
})

describe('boundStages', () => {
  const limits = { stages: 2, jobs: 3, failed_jobs: 1 }

  it('returns what fits unchanged', () => {
    const stages = [stage('a', [job('1')]), stage('b', [job('2', 'failed')])]
    expect(boundStages(stages, limits)).toEqual({ stages })
  })

  it('keeps stages holding a failed job first, failed jobs within their own limit, the order as given', () => {
    const stages = [
      stage('a', [job('a1'), job('a2')]),
      stage('b', [job('b1')]),
      stage('c', [job('c1', 'failed'), job('c2', 'failed'), job('c3')]),
    ]
    const out = boundStages(stages, limits)
    expect(out.stages.map((s) => [s.name, s.status, s.jobs.map((j) => j.name)])).toEqual([
      ['a', 'success', ['a1', 'a2']],
      ['c', 'failed', ['c1']],
    ])
    expect(out.omitted).toEqual({ stages: 1, jobs: 3, failed_jobs: 1 })
  })
})

describe('messages count what the event left out', () => {
  it('"…and N more" adds the omitted stages and failed jobs to those the message itself cut', () => {
    const e = parse(pipelineBody(16_000, { shape: 'own-stage', failedAt: Array.from({ length: 300 }, (_, i) => i) }))
    expect(e.omitted).toEqual({ stages: 15_900, jobs: 15_900, failed_jobs: 200 })
    const [m] = renderers.dingtalk.render(f.input(e, { target: f.dingtalkTarget({ msgtype: 'markdown' }), locale: 'en' })) as {
      markdown: { text: string }
    }[]
    const more = [...m.markdown.text.matchAll(/…and (\d+) more/g)].map((x) => Number(x[1]))
    expect(more).toHaveLength(2)
    const shown = (heading: string) => m.markdown.text.split(heading)[1].split('\n\n')[0].match(/^- /gm)?.length ?? 0
    // stages: 16 000 in all, failed jobs: 300 in all, whatever the message had room for
    expect(shown('Stages') - 1 + more[0]).toBe(16_000)
    expect(shown('Failed jobs') - 1 + more[1]).toBe(300)
  })
})
