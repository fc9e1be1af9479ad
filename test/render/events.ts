import { type Source } from '../../adapters/index.js'
import { readPayload } from '../../adapters/from-file.js'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import type { CommonEvent } from '../../src/event.js'
import type { Target } from '../../rules/schema.js'
import type { Mention, TargetRoute, Transition } from '../../src/routing.js'
import type { RenderInput } from '../../src/render/types.js'

/** A real fixture through its real adapter, with a fixed id and receive time. */
export function fixtureEvent(source: Source, file: string): CommonEvent {
  const e = toEvent(source, readPayload(source, `test/fixtures/${source}/${file}`, []), { id: 'evt-1', now: new Date('2026-01-01T00:00:00Z') })
  if (isIgnored(e)) throw new Error(`${file} is ignored: ${e.ignored}`)
  return e
}

export const gitlabPipelineFailed = () => fixtureEvent('gitlab', 'pipeline-failed-adapted.json')
export const githubRunFailed = () => fixtureEvent('github', 'workflow_run-completed-failure-adapted.json')
export const jenkinsFailed = () => fixtureEvent('jenkins', 'finalized-failure-adapted.json')
export const gitlabDeploy = () => fixtureEvent('gitlab', 'deployment-success-docs.json')

export const dingtalkTarget = (o: Partial<Extract<Target, { type: 'dingtalk' }>> = {}): Extract<Target, { type: 'dingtalk' }> => ({
  type: 'dingtalk',
  webhook: '',
  rate_per_minute: 20,
  msgtype: 'markdown',
  ...o,
})
export const wecomTarget = (o: Partial<Extract<Target, { type: 'wecom' }>> = {}): Extract<Target, { type: 'wecom' }> => ({
  type: 'wecom',
  webhook: '',
  rate_per_minute: 20,
  msgtype: 'markdown',
  ...o,
})

export const route = (o: Partial<TargetRoute> = {}): TargetRoute => ({ target: 'team', rules: ['r1'], mentions: [], all: false, ...o })

export const people = {
  alice: { as: 'author', name: 'Alice', resolved: true, ids: { dingtalk: 'alice01', wecom: 'AliceW' }, mobile: '13800000001' },
  bob: { as: 'actor', name: 'Bob', resolved: true, mobile: '13800000002' },
  carol: { as: 'carol', name: 'Carol', resolved: false },
} satisfies Record<string, Mention>

export function input(event: CommonEvent, o: Partial<Omit<RenderInput, 'event'>> = {}): RenderInput {
  return {
    event,
    route: route(),
    transition: null as Transition | null,
    target: dingtalkTarget(),
    locale: 'zh-CN',
    timezone: 'Asia/Shanghai',
    ...o,
  }
}
