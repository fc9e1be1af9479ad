import { describe, expect, it } from 'vitest'
import { backoff } from '../../src/delivery/backoff.js'
import { RateLimit } from '../../src/delivery/rate-limit.js'
import { classifyDingTalk } from '../../src/platforms/dingtalk/errcodes.js'
import { httpVerdict } from '../../src/platforms/common/http-verdict.js'
import { platforms } from '../../src/platforms/index.js'
import { classifyWeCom } from '../../src/platforms/wecom/errcodes.js'

describe("DingTalk's errcode table", () => {
  it.each([
    [-1, '系统繁忙', { kind: 'retry' }],
    [130101, 'send too fast, exceed 20 times per minute', { kind: 'rate_limited', waitMs: 600_000 }],
    [410100, '发送速度太快而限流', { kind: 'rate_limited', waitMs: 600_000 }],
    [310000, 'invalid timestamp', { kind: 'resign' }],
    [310000, 'invalid timestamp, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]', { kind: 'resign' }],
    [310000, 'sign not match', { kind: 'permanent' }],
    [310000, 'keywords not in content', { kind: 'permanent' }],
    [310000, 'description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中', { kind: 'permanent' }],
    [300001, 'token is not exist', { kind: 'permanent' }],
    [400013, '群已被解散', { kind: 'permanent' }],
    [400402, '错误描述:参数 markdown --》 title 缺失', { kind: 'permanent' }],
    [460101, 'message too long, exceed 20000 bytes', { kind: 'permanent' }],
    [430102, '不合适的文本', { kind: 'permanent' }],
    [12345, 'something new', { kind: 'permanent' }],
  ])('%i %s', (code, msg, verdict) => {
    expect(classifyDingTalk(code, msg)).toEqual(verdict)
  })

  it('waits out a 302 (reported during the 10-minute block)', () => {
    const reply = (status: number) => platforms.dingtalk.delivery.read({ status, text: '', headers: {} })
    expect(reply(302)).toMatchObject({ ok: false, verdict: { kind: 'rate_limited', waitMs: 600_000 } })
    expect(platforms.wecom.delivery.read({ status: 302, text: '', headers: {} })).toMatchObject({ verdict: { kind: 'permanent' } })
  })
})

describe("WeCom's errcode table", () => {
  it.each([
    [-1, { kind: 'retry' }],
    [45009, { kind: 'rate_limited', waitMs: 60_000 }],
    [93000, { kind: 'permanent' }],
    [40058, { kind: 'permanent' }],
    [310000, { kind: 'permanent' }], // DingTalk's code means nothing here
    [12345, { kind: 'permanent' }],
  ])('%i', (code, verdict) => {
    expect(classifyWeCom(code)).toEqual(verdict)
  })
})

describe('HTTP statuses (any platform)', () => {
  it('retries 5xx and 408, waits a minute on 429, gives up on the rest', () => {
    expect(httpVerdict(500)).toEqual({ kind: 'retry' })
    expect(httpVerdict(503)).toEqual({ kind: 'retry' })
    expect(httpVerdict(408)).toEqual({ kind: 'retry' })
    expect(httpVerdict(429)).toEqual({ kind: 'rate_limited', waitMs: 60_000 })
    expect(httpVerdict(404)).toEqual({ kind: 'permanent' })
  })
})

describe('backoff', () => {
  it('doubles per attempt, stays in the upper half of its step, caps at 5 minutes', () => {
    expect([1, 2, 3, 4].map((a) => backoff(a, { random: () => 0 }))).toEqual([500, 1000, 2000, 4000])
    expect([1, 2, 3, 4].map((a) => backoff(a, { random: () => 1 }))).toEqual([1000, 2000, 4000, 8000])
    expect(backoff(40, { random: () => 1 })).toBe(300_000)
    expect(backoff(40, { random: () => 0 })).toBe(150_000)
  })
})

describe('RateLimit', () => {
  it('never allows more than the budget in any 60 s (+ margin) window', () => {
    const rl = new RateLimit(60_000, 1_000)
    let now = 0
    const sent: number[] = []
    // Try to send every 100 ms for 5 minutes; record what the limiter lets through.
    for (; now < 300_000; now += 100) {
      if (rl.available('t', 20, now) > 0) {
        rl.take('t', now)
        sent.push(now)
      }
    }
    for (const t of sent) expect(sent.filter((s) => s >= t && s < t + 60_000).length).toBeLessThanOrEqual(20)
    expect(sent.length).toBeGreaterThanOrEqual(20 * 4)
  })

  it('says when n sends will be allowed', () => {
    const rl = new RateLimit(60_000, 1_000)
    for (let i = 0; i < 5; i++) rl.take('t', i * 1000)
    expect(rl.available('t', 5, 5000)).toBe(0)
    expect(rl.readyAt('t', 5, 1, 5000)).toBe(61_000)
    expect(rl.readyAt('t', 5, 2, 5000)).toBe(62_000)
    expect(rl.available('t', 5, 61_000)).toBe(1)
    expect(rl.available('other', 5, 5000)).toBe(5)
  })

  it('paces the second half of the budget until the oldest send leaves the window', () => {
    const rl = new RateLimit(60_000, 0)
    for (let i = 0; i < 9; i++) rl.take('t', i * 100)
    expect(rl.paceAt('t', 20, 1_000)).toBe(1_000) // more than half the budget left: at once
    rl.take('t', 1_000)
    // 10 left, spread from the last send (1 s) to when the first leaves the window (60 s)
    expect(rl.paceAt('t', 20, 1_000)).toBe(1_000 + 5_900)
    expect(rl.paceAt('t', 20, 30_000)).toBe(30_000)
  })
})
