import { describe, expect, it } from 'vitest'
import { newEventId } from '../../src/ids.js'

const FORMAT = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/

describe('newEventId', () => {
  it('encodes the time in its first ten characters, ULID-style, so ids sort by time as strings', () => {
    // 2026-11-01T10:00:00.000Z = 1793527200000 ms; in Crockford base32, ten characters.
    const at = new Date('2026-11-01T10:00:00Z')
    const id = newEventId(at)
    expect(id).toMatch(FORMAT)
    const time = [...id.slice(4, 14)].reduce((n, c) => n * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0)
    expect(time).toBe(at.getTime())
    expect(newEventId(new Date(at.getTime() + 1)) > id).toBe(true)
    expect(newEventId(new Date(0)).slice(4, 14)).toBe('0000000000')
  })

  it('made in one millisecond, ids increase one by one (creation order), carrying across digits', () => {
    const at = new Date('2026-11-01T10:00:00.123Z')
    const ids = Array.from({ length: 5000 }, () => newEventId(at))
    for (const id of ids) expect(id).toMatch(FORMAT)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    // 5000 increments of the last digit carry into the ones before it.
    expect(ids[0].slice(0, -2)).not.toBe(ids.at(-1)!.slice(0, -2))
  })

  it('draws a fresh random part for each new millisecond', () => {
    const base = Date.parse('2026-11-01T10:00:00Z')
    const randoms = Array.from({ length: 2000 }, (_, i) => newEventId(new Date(base + 1000 + i)).slice(14))
    expect(new Set(randoms).size).toBe(randoms.length)
    // The top bit of the random part stays free, for increments within the millisecond.
    expect(randoms.every((r) => '0123456789ABCDEF'.includes(r[0]))).toBe(true)
  })
})
