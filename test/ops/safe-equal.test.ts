import { describe, expect, it } from 'vitest'
import { safeEqual } from '../../src/safe-equal.js'

describe('safeEqual', () => {
  it('is true only for the same string, whatever the lengths', () => {
    expect(safeEqual('s3cret-token', 's3cret-token')).toBe(true)
    expect(safeEqual('s3cret-tokeN', 's3cret-token')).toBe(false)
    expect(safeEqual('s3cret', 's3cret-token')).toBe(false)
    expect(safeEqual('s3cret-token-and-more', 's3cret-token')).toBe(false)
    expect(safeEqual('', 's3cret-token')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
    expect(safeEqual('密钥', '密钥')).toBe(true)
    expect(safeEqual('密钥', '密鑰')).toBe(false)
  })

  it('stays right while many different expected values come and go (the digest cache)', () => {
    const expected = Array.from({ length: 100 }, (_, i) => `sha256=${i.toString(16).padStart(64, '0')}`)
    for (let round = 0; round < 3; round++) {
      expected.forEach((e, i) => {
        expect(safeEqual(e, e)).toBe(true)
        expect(safeEqual(expected[(i + 1) % expected.length], e)).toBe(false)
      })
    }
  })
})
