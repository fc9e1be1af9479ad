import { describe, expect, it } from 'vitest'
import { equalsSecret, safeEqual } from '../../src/safe-equal.js'

describe.each([
  ['safeEqual', safeEqual],
  ['equalsSecret', equalsSecret],
])('%s', (_, equal) => {
  it('is true only for the same string, whatever the lengths', () => {
    expect(equal('s3cret-token', 's3cret-token')).toBe(true)
    expect(equal('s3cret-tokeN', 's3cret-token')).toBe(false)
    expect(equal('s3cret', 's3cret-token')).toBe(false)
    expect(equal('s3cret-token-and-more', 's3cret-token')).toBe(false)
    expect(equal('', 's3cret-token')).toBe(false)
    expect(equal('', '')).toBe(true)
    expect(equal('密钥', '密钥')).toBe(true)
    expect(equal('密钥', '密鑰')).toBe(false)
  })

  it('stays right while many different known values come and go (the digest cache)', () => {
    const known = Array.from({ length: 100 }, (_, i) => `sha256=${i.toString(16).padStart(64, '0')}`)
    for (let round = 0; round < 3; round++) {
      known.forEach((k, i) => {
        expect(equal(k, k)).toBe(true)
        expect(equal(known[(i + 1) % known.length], k)).toBe(false)
      })
    }
  })
})
