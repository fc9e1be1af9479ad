import { describe, expect, it } from 'vitest'
import { formatDuration, formatTime } from '../../src/render/format.js'
import { strings } from '../../src/render/i18n.js'

describe('formatDuration', () => {
  const zh = strings['zh-CN']
  const en = strings.en
  it('writes durations in words', () => {
    expect(formatDuration(125, zh)).toBe('2分5秒')
    expect(formatDuration(125, en)).toBe('2m 5s')
    expect(formatDuration(3725, zh)).toBe('1小时2分5秒')
    expect(formatDuration(3725, en)).toBe('1h 2m 5s')
    expect(formatDuration(3600, en)).toBe('1h')
    expect(formatDuration(3605, zh)).toBe('1小时5秒')
    expect(formatDuration(0, zh)).toBe('0秒')
    expect(formatDuration(0.4, en)).toBe('0s')
    expect(formatDuration(59.6, en)).toBe('1m')
  })
})

describe('formatTime', () => {
  it('shows the time in the configured timezone with its offset', () => {
    expect(formatTime('2016-08-12T15:26:29Z', 'Asia/Shanghai')).toBe('2016-08-12 23:26:29 +08:00')
    expect(formatTime('2016-08-12T15:26:29Z', 'America/New_York')).toBe('2016-08-12 11:26:29 -04:00')
    expect(formatTime('2016-08-12T15:26:29Z', 'UTC')).toBe('2016-08-12 15:26:29 +00:00')
    expect(formatTime('2016-12-31T23:59:59Z', 'Asia/Kolkata')).toBe('2017-01-01 05:29:59 +05:30')
  })

  it('falls back to UTC for an unknown zone, and to nothing for a bad time', () => {
    expect(formatTime('2016-08-12T15:26:29Z', 'Mars/Olympus')).toBe('2016-08-12 15:26:29 +00:00')
    expect(formatTime('yesterday', 'UTC')).toBeUndefined()
    expect(formatTime(undefined, 'UTC')).toBeUndefined()
  })
})
