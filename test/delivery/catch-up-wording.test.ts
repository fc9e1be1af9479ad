import { describe, expect, it } from 'vitest'
import { manualClock } from '../fake-im/manual-clock.js'
import { coveredNumbers, perTest } from './harness.js'
import { NIGHT_END, NIGHT_START, NIGHT_YAML } from './night.js'

const started = perTest()
const T0 = NIGHT_START

describe('catch-up digests through the real renderers', () => {
  it('say which mute held them: a silence ("while muted") or a time interval ("during night"), in the target\'s language', async () => {
    const clock = manualClock(T0)
    const ding = await started.dingtalk([{ token: 'tok-zh', security: { keywords: ['构建'] } }], { clock })
    const wecom = await started.wecom([{ key: 'wx-en' }], { clock })
    const h = await started.harness({
      clock,
      renderers: 'real',
      yaml: `
targets:
  zh: { type: dingtalk, webhook: "${ding.webhook('tok-zh')}", keyword: 构建 }
  en: { type: wecom, webhook: "${wecom.webhook('wx-en')}", locale: en }
${NIGHT_YAML}rules:
  - name: quiet
    match: { branch: main }
    notify: [zh, en]
    mute_time_intervals: [night]
  - name: loud
    notify: [zh, en]
`,
    })
    await h.store.addSilence({ id: 'sil_dev', matchers: { branch: 'dev' }, starts_at: T0, ends_at: T0 + 30 * 60_000, comment: 'flaky', created_by: 'ann', catch_up: true, created_at: T0 })
    const pipeline = (n: number) => ({ project: { name: `app${n}`, path: `g/app${n}`, url: `https://gitlab.example.com/g/app${n}` } })
    await h.accept({ ...pipeline(1), branch: 'main', ref: 'main' })
    await h.accept({ ...pipeline(2), branch: 'main', ref: 'main', status: 'success', source_status: 'success' })
    await h.accept({ ...pipeline(3), branch: 'dev', ref: 'dev' })
    await h.accept({ ...pipeline(4), branch: 'dev', ref: 'dev' })
    await h.settle(0)
    const zh = () => ding.shown().map((r) => JSON.stringify(r.message))
    const en = () => wecom.shown().map((r) => JSON.stringify(r.message))
    expect([zh(), en()]).toEqual([[], []])

    await h.settle(31 * 60_000, 60_000)
    expect(zh()).toHaveLength(1)
    expect(zh()[0]).toContain('静默期间：2 条通知，2 个仍然失败')
    expect(en()).toHaveLength(1)
    expect(en()[0]).toContain('While muted: 2 events, 2 still failing')
    expect(coveredNumbers(en()[0]).sort()).toEqual([3, 4])

    clock.set(NIGHT_END - 1000)
    await h.settle(5000)
    expect(zh()).toHaveLength(2)
    expect(zh()[1]).toContain('「night」时段内：2 条通知，1 个仍然失败')
    expect(en()[1]).toContain('During night: 2 events, 1 still failing')
    // Only what still fails is listed.
    expect(coveredNumbers(en()[1])).toEqual([1])
  })
})
