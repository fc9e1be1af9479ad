import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dingtalkMentions, distinctMentions, mentionCount, wecomMentions } from '../../src/render/mentions.js'
import type { Mention } from '../../src/routing.js'

const mention = fc.record({
  as: fc.constantFrom('author', 'actor', 'culprits', 'oncall'),
  name: fc.constantFrom('张三', 'li.si', 'wang'),
  resolved: fc.boolean(),
  dingtalk: fc.option(fc.constantFrom('', 'ding1', 'ding2'), { nil: undefined }),
  wecom: fc.option(fc.constantFrom('', 'wc1', 'wc2'), { nil: undefined }),
  mobile: fc.option(fc.constantFrom('', '13800138000', '13900139000'), { nil: undefined }),
}) as fc.Arbitrary<Mention>

describe('distinctMentions', () => {
  it('drops repeats of a person (as separate objects, as read from the store), keeping the first, in order', () => {
    const a: Mention = { as: 'author', name: 'a', resolved: true, dingtalk: 'd1' }
    const b: Mention = { as: 'actor', name: 'b', resolved: true, wecom: 'w1' }
    const aAgain: Mention = { as: 'culprits', name: 'a', resolved: true, dingtalk: 'd1' }
    expect(distinctMentions([a, b, aAgain, { ...b }])).toEqual([a, b])
    // same name, other id: another person
    expect(distinctMentions([a, { ...a, dingtalk: 'd2' }])).toHaveLength(2)
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
