import { describe, expect, it } from 'vitest'
import { clip, cutBytes, utf8Length } from '../../src/render/bytes.js'

const valid = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s

describe('utf8Length', () => {
  it('counts UTF-8 bytes: ASCII 1, CJK 3, emoji 4', () => {
    expect(utf8Length('a')).toBe(1)
    expect(utf8Length('中')).toBe(3)
    expect(utf8Length('😀')).toBe(4)
    expect(utf8Length('✅ 成功')).toBe(3 + 1 + 6)
  })
})

describe('cutBytes', () => {
  it('never splits a CJK character', () => {
    expect(cutBytes('中文字', 8)).toBe('中文')
    expect(cutBytes('中文字', 9)).toBe('中文字')
    expect(cutBytes('中文字', 2)).toBe('')
  })

  it('never splits a surrogate pair (emoji at the cut point)', () => {
    for (let max = 0; max <= 12; max++) {
      const out = cutBytes('ab😀😀c', max)
      expect(valid(out)).toBe(true)
      expect(utf8Length(out)).toBeLessThanOrEqual(max)
    }
    expect(cutBytes('ab😀😀c', 5)).toBe('ab')
    expect(cutBytes('ab😀😀c', 6)).toBe('ab😀')
  })

  it('keeps the longest prefix that fits, exactly', () => {
    const s = 'x中😀'.repeat(1000)
    for (const max of [0, 1, 2, 3, 4, 5, 7, 8, 100, 4096, 7999]) {
      const out = cutBytes(s, max)
      expect(utf8Length(out)).toBeLessThanOrEqual(max)
      if (out === s) continue
      const next = s.slice(out.length, out.length + (s.codePointAt(out.length)! > 0xffff ? 2 : 1))
      expect(utf8Length(out + next)).toBeGreaterThan(max)
    }
    expect(cutBytes(s, 8000)).toBe(s)
  })

  it('never splits a user-perceived character: ZWJ sequences, flags, skin tones, combining marks (issue 16 item 11)', () => {
    for (const unit of ['👨‍👩‍👧', '🇨🇳', '👍🏽', 'e\u0301', '\u1100\u1161\u11a8']) {
      const s = unit.repeat(50)
      for (let max = 0; max <= utf8Length(unit) * 3 + 1; max++) {
        const out = cutBytes(s, max)
        expect(utf8Length(out)).toBeLessThanOrEqual(max)
        expect(out.length % unit.length).toBe(0)
        // the longest such prefix
        expect(utf8Length(out + unit)).toBeGreaterThan(max)
      }
    }
    // a cluster longer than the window looked at is cut between code points: still valid text
    const zalgo = 'a' + '\u0301'.repeat(200)
    expect(valid(cutBytes(zalgo, 100))).toBe(true)
    expect(utf8Length(cutBytes(zalgo, 100))).toBeGreaterThan(90)
  })
})

describe('clip', () => {
  it('returns short text unchanged', () => {
    expect(clip('main', 10)).toEqual({ text: 'main', cut: false })
    expect(clip('中文', 6)).toEqual({ text: '中文', cut: false })
  })

  it('cuts with an ellipsis and stays within the byte budget', () => {
    const r = clip('中文中文', 10)
    expect(r).toEqual({ text: '中文…', cut: true })
    expect(utf8Length(r.text)).toBeLessThanOrEqual(10)
  })
})
