import { describe, expect, it } from 'vitest'
import { parseGoDuration } from '../../src/duration.js'
import { loadSettings } from '../../src/settings/settings.js'

describe('Go-style durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2d', 172_800_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms)
  })

  it.each(['', '30', '5 m', 'm', '1h30', '-5m', '0s', '0h0m', '5M', '1w'])('%j is refused', (text) => {
    expect(parseGoDuration(text)).toBeUndefined()
  })

  it('settings read the same durations, compound ones too', () => {
    const s = loadSettings({ RETRY_MAX_AGE: '1d12h', DELIVERY_TIMEOUT: '1m30s' }, [])
    expect(s.retryMaxAgeMs).toBe(36 * 3_600_000)
    expect(s.deliveryTimeoutMs).toBe(90_000)
  })
})
