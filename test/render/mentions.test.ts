import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dingtalkMentions } from '../../src/platforms/dingtalk/mentions.js'
import { wecomMentions } from '../../src/platforms/wecom/mentions.js'
import { distinctMentions, mentionCount } from '../../src/render/mentions.js'
import type { Mention } from '../../src/routing.js'

const mention = fc.record({
  as: fc.constantFrom('author', 'actor', 'culprits', 'oncall'),
  name: fc.constantFrom('张三', 'li.si', 'wang'),
  resolved: fc.boolean(),
  ids: fc.record({ dingtalk: fc.constantFrom('', 'ding1', 'ding2'), wecom: fc.constantFrom('', 'wc1', 'wc2') }, { requiredKeys: [] }),
  mobile: fc.option(fc.constantFrom('', '13800138000', '13900139000'), { nil: undefined }),
}) as fc.Arbitrary<Mention>

describe('distinctMentions', () => {
  it('drops repeats of a person (as separate objects, as read from the store), keeping the first, in order', () => {
    const a: Mention = { as: 'author', name: 'a', resolved: true, ids: { dingtalk: 'd1' } }
    const b: Mention = { as: 'actor', name: 'b', resolved: true, ids: { wecom: 'w1' } }
    const aAgain: Mention = { as: 'culprits', name: 'a', resolved: true, ids: { dingtalk: 'd1' } }
    expect(distinctMentions([a, b, aAgain, { ...b }])).toEqual([a, b])
    // same name, other id: another person
    expect(distinctMentions([a, { ...a, ids: { dingtalk: 'd2' } }])).toHaveLength(2)
    // an id on a platform the other does not have: another person too
    expect(distinctMentions([a, { ...a, ids: { dingtalk: 'd1', feishu: 'ou_1' } }])).toHaveLength(2)
  })

  it('changes no mention on either platform: the same line, lists and count as the full list', () => {
    fc.assert(
      fc.property(fc.array(mention, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 10 }), (ms, all, keep) => {
        const d = distinctMentions(ms)
        expect(dingtalkMentions(d, all, keep, true, { cap: 1024, sep: '、', text: (v: string) => v })).toEqual(dingtalkMentions(ms, all, keep, true, { cap: 1024, sep: '、', text: (v: string) => v }))
        expect(wecomMentions(d, all, keep, true, { cap: 1024, sep: '、', text: (v: string) => v })).toEqual(wecomMentions(ms, all, keep, true, { cap: 1024, sep: '、', text: (v: string) => v }))
        expect(mentionCount(d, 'dingtalk')).toBe(mentionCount(ms, 'dingtalk'))
        expect(mentionCount(d, 'wecom')).toBe(mentionCount(ms, 'wecom'))
      }),
      { numRuns: 500 },
    )
  })
})

describe('routing stored before ids were grouped', () => {
  it('a mention written {name, dingtalk, wecom} (as 0.1 stored it) still @s the same person', () => {
    const old = { as: 'author', name: '张三', resolved: true, dingtalk: 'zs01', wecom: 'ZhangSan' } as unknown as Mention
    const names = { cap: 64, sep: '、', text: (s: string) => s }
    expect(dingtalkMentions([old], false, 10, true, names).at.atUserIds).toEqual(['zs01'])
    expect(wecomMentions([old], false, 10, true, names).ids).toEqual(['ZhangSan'])
  })
})
