import { describe, expect, it } from 'vitest'
import { secondsBetween, toIsoUtc } from '../../adapters/common/parse-time.js'

describe('toIsoUtc', () => {
  it.each([
    ['2016-08-12 15:23:28 UTC', '2016-08-12T15:23:28.000Z'], // GitLab pipeline times
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'], // GitLab deployment status_changed_at
    ['2021-04-28 21:50:00 -0530', '2021-04-29T03:20:00.000Z'],
    ['2016-08-12T17:23:21+02:00', '2016-08-12T15:23:21.000Z'], // commit.timestamp
    ['2021-02-23T02:41:37.886Z', '2021-02-23T02:41:37.886Z'], // job docs example
    ['2021-02-23T02:41:37Z', '2021-02-23T02:41:37.000Z'], // *_iso fields
    ['2020-10-05T16:33:49Z', '2020-10-05T16:33:49.000Z'], // GitHub
    ['2021-02-23T02:41:37', '2021-02-23T02:41:37.000Z'], // no zone: UTC, never server-local
    ['2021-02-23T02:41:37.123456+00:00', '2021-02-23T02:41:37.123Z'],
    ['2016-05-01T12:00:00.5+00:00', '2016-05-01T12:00:00.500Z'], // old Notification plugin string timestamp
  ])('%s → %s', (input, want) => {
    expect(toIsoUtc(input)).toBe(want)
  })

  it('reads epoch milliseconds as a number or a digit string (Jenkins JSON and XML)', () => {
    expect(toIsoUtc(1461234567890)).toBe('2016-04-21T10:29:27.890Z')
    expect(toIsoUtc('1461234567890')).toBe('2016-04-21T10:29:27.890Z')
  })

  it.each([['yesterday'], [''], ['2021-02-31 10:00:00 UTC'], ['2021-13-01T00:00:00Z'], ['2021-01-01T25:00:00Z'], ['12'], ['1 2 3']])(
    'rejects %j',
    (input) => {
      expect(toIsoUtc(input)).toBeUndefined()
    },
  )

  it('rejects numbers that are not epoch milliseconds', () => {
    expect(toIsoUtc(1461234567)).toBeUndefined() // seconds
    expect(toIsoUtc(Number.NaN)).toBeUndefined()
    expect(toIsoUtc(-1)).toBeUndefined()
  })
})

describe('secondsBetween', () => {
  it('measures a span and refuses a negative or partial one', () => {
    expect(secondsBetween('2020-10-05T16:33:24.000Z', '2020-10-05T16:33:49.000Z')).toBe(25)
    expect(secondsBetween('2020-10-05T16:33:49.000Z', '2020-10-05T16:33:24.000Z')).toBeUndefined()
    expect(secondsBetween(undefined, '2020-10-05T16:33:24.000Z')).toBeUndefined()
  })
})
