import { describe, expect, it } from 'vitest'
import type { CommonEvent } from '../../src/event.js'
import { drain } from '../../src/render/gradual.js'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput } from '../../src/render/types.js'
import type { Mention } from '../../src/routing.js'
import * as f from './events.js'

type Msg = {
  msgtype: string
  markdown?: { title?: string; text?: string; content?: string }
  text?: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] }
  at?: { atMobiles: string[]; atUserIds: string[]; isAtAll: boolean }
}
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const lines = (...l: string[]) => l.join('\n')

const statuses = ['failed', 'success', 'running', 'canceled'] as const
function burst(n: number, o: { target?: RenderInput['target']; locale?: RenderInput['locale']; mention?: (k: number) => Mention[]; path?: (k: number) => string } = {}): RenderInput[] {
  const base = f.gitlabPipelineFailed()
  return Array.from({ length: n }, (_, k) => {
    const event: CommonEvent = {
      ...base,
      id: `evt-${k}`,
      status: statuses[k % statuses.length],
      project: { ...base.project, path: o.path?.(k) ?? `group/app-${k}` },
      number: 1000 + k,
      url: `https://ci.example.com/p/${k}`,
    }
    return f.input(event, { target: o.target ?? f.dingtalkTarget(), locale: o.locale ?? 'zh-CN', route: f.route({ mentions: o.mention?.(k) ?? [] }) })
  })
}
const person = (k: number): Mention => ({ as: 'author', name: `p${k}`, resolved: true, ids: { dingtalk: `ding${k}`, wecom: `wc${k}` } })
const body = (m: Msg) => m.markdown?.text ?? m.markdown?.content ?? m.text!.content

/** Every event's line appears exactly once across the messages, in order. */
function expectEveryEventOnce(ms: Msg[], n: number) {
  const all = ms.map(body).join('\n')
  const seen = [...all.matchAll(/#(\d{4,})/g)].map((x) => Number(x[1]) - 1000)
  expect(seen).toEqual(Array.from({ length: n }, (_, k) => k))
}

describe('digest', () => {
  it('one event: one message titled "1 条构建通知"', () => {
    const ms = drain(renderers.dingtalk.digest(burst(1, { target: f.dingtalkTarget({ keyword: 'CI' }) }))) as Msg[]
    expect(ms).toEqual([
      {
        msgtype: 'markdown',
        markdown: {
          title: 'CI 1 条构建通知',
          text: lines('#### <font color=#F5222D>CI 1 条构建通知</font>', '', '- ❌ [group/app-0](https://ci.example.com/p/0) · master · #1000'),
        },
        at: { atMobiles: [], atUserIds: [], isAtAll: false },
      },
    ])
  })

  it('12 events: one message, one line each (mark, project, branch, number, link), all mentions unioned', () => {
    const inputs = burst(12, { mention: (k) => [person(k % 5), ...(k === 3 ? [f.people.carol] : [])] })
    inputs[2] = { ...inputs[2], route: { ...inputs[2].route, all: false }, transition: 'broken' }
    const ms = drain(renderers.dingtalk.digest(inputs)) as Msg[]
    expect(ms).toHaveLength(1)
    const text = ms[0].markdown!.text!
    expect(ms[0].markdown!.title).toBe('12 条构建通知')
    expect(text.split('\n').slice(0, 6)).toEqual([
      '#### <font color=#F5222D>12 条构建通知</font>',
      '',
      '- ❌ [group/app-0](https://ci.example.com/p/0) · master · #1000',
      '- ✅ [group/app-1](https://ci.example.com/p/1) · master · #1001',
      '- 🔄💥 [group/app-2](https://ci.example.com/p/2) · master · #1002',
      '- ⏹ [group/app-3](https://ci.example.com/p/3) · master · #1003',
    ])
    expect(text.endsWith('\n\n@ding0 @ding1 @ding2 @ding3 @ding4 Carol')).toBe(true)
    expect(ms[0].at).toEqual({ atMobiles: [], atUserIds: ['ding0', 'ding1', 'ding2', 'ding3', 'ding4'], isAtAll: false })
    expectEveryEventOnce(ms, 12)
  })

  it('12 events in English on WeCom, with @all from one rule: markdown plus the @all text', () => {
    const inputs = burst(12, { target: f.wecomTarget(), locale: 'en', mention: (k) => [person(k)] })
    inputs[5] = { ...inputs[5], route: { ...inputs[5].route, all: true } }
    const ms = drain(renderers.wecom.digest(inputs)) as Msg[]
    expect(ms).toHaveLength(2)
    expect(ms[0].markdown!.content!.split('\n').slice(0, 3)).toEqual([
      '### <font color="warning">12 build notifications</font>',
      '',
      '> ❌ [group/app-0](https://ci.example.com/p/0) · master · #1000',
    ])
    expect(ms[0].markdown!.content!.endsWith('<@wc0> <@wc1> <@wc2> <@wc3> <@wc4> <@wc5> <@wc6> <@wc7> <@wc8> <@wc9> <@wc10> <@wc11>')).toBe(true)
    expect(ms[1]).toEqual({ msgtype: 'text', text: { content: '12 build notifications', mentioned_list: ['@all'] } })
  })

  for (const [name, target, limit] of [
    ['DingTalk markdown', f.dingtalkTarget({ keyword: '构建' }), (m: Msg) => bytes(JSON.stringify(m)) <= 20_000 - 100],
    ['DingTalk actionCard (sent as markdown)', f.dingtalkTarget({ msgtype: 'actionCard' }), (m: Msg) => bytes(JSON.stringify(m)) <= 20_000 - 100],
    ['DingTalk text', f.dingtalkTarget({ msgtype: 'text' }), (m: Msg) => bytes(JSON.stringify(m)) <= 20_000 - 100],
    ['WeCom markdown', f.wecomTarget(), (m: Msg) => bytes(body(m)) <= (m.markdown ? 4096 : 2048)],
    ['WeCom text', f.wecomTarget({ msgtype: 'text' }), (m: Msg) => bytes(body(m)) <= 2048],
  ] as const) {
    it(`500 events on ${name}: split into as few messages as fit, every event exactly once, mentions per message`, () => {
      const inputs = burst(500, { target, mention: (k) => [person(k % 40)] })
      const ms = drain(renderers[target.type].digest(inputs)) as Msg[]
      for (const m of ms) expect(limit(m)).toBe(true)
      const mains = ms.filter((m) => m.msgtype === ('msgtype' in target && target.msgtype === 'text' ? 'text' : 'markdown'))
      expectEveryEventOnce(mains, 500)
      expect(mains.length).toBeGreaterThan(1)
      // as few as the limit allows: each part but the last is over 80% full
      for (const m of mains.slice(0, -1)) expect(bytes(body(m))).toBeGreaterThan(0.8 * (target.type === 'wecom' ? (target.msgtype === 'text' ? 2048 : 4096) : 19_000))
      const counts = mains.map((m) => Number(/^(?:#### <font[^>]*>|### <font[^>]*>)?(?:构建 )?(\d+) 条构建通知/.exec(body(m))![1]))
      expect(counts.reduce((a, b) => a + b, 0)).toBe(500)
      expect(body(mains[0])).toContain(`（1/${mains.length}）`)
      if (target.type === 'dingtalk' && target.msgtype !== 'text') {
        for (const m of mains) expect(body(m)).toContain(target.keyword ?? '')
        for (const m of mains) for (const id of m.at!.atUserIds) expect(body(m)).toContain(`@${id}`)
      }
    })
  }

  it('never drops an event, even with 1 MB project names', () => {
    const inputs = burst(30, { target: f.wecomTarget(), path: (k) => `${'很长的项目名'.repeat(60_000)}${k}` })
    const ms = drain(renderers.wecom.digest(inputs)) as Msg[]
    for (const m of ms) expect(bytes(body(m))).toBeLessThanOrEqual(4096)
    expectEveryEventOnce(ms, 30)
  })

  it('a deploy line names its environment instead of a branch', () => {
    const [m] = drain(renderers.wecom.digest([f.input(f.gitlabDeploy(), { target: f.wecomTarget(), transition: 'fixed' })])) as Msg[]
    expect(m.markdown!.content).toBe(
      lines(
        '### <font color="info">1 条构建通知</font>',
        '',
        '> ✅🎉 [root/test-deployment-webhooks](http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796) · staging · #15',
      ),
    )
  })

  it('no events, no messages', () => {
    expect(drain(renderers.dingtalk.digest([]))).toEqual([])
    expect(drain(renderers.wecom.digest([]))).toEqual([])
  })
})
