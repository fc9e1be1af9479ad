import { randomFillSync } from 'node:crypto'

// Crockford base32 (ULID alphabet): ids sort as strings in the order they were made.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_CHARS = 10 // 50 bits of milliseconds
const RANDOM_CHARS = 16 // 80 bits

/** Random bytes drawn from a pool refilled 4 KB at a time: one call into the CSPRNG per ~250 ids, not one each. */
const pool = Buffer.alloc(4096)
let poolAt = pool.length

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  return pool[poolAt++]
}

let lastTime = -1
let lastTimeChars = ''
/** The random part as base32 digits (0–31), incremented in place within one millisecond. */
const digits = new Array<number>(RANDOM_CHARS).fill(0)

function encodeTime(time: number): string {
  let out = ''
  for (let i = 0, t = time; i < TIME_CHARS; i++, t = Math.floor(t / 32)) out = ALPHABET[t % 32] + out
  return out
}

/**
 * A new event id: `evt_` + 10 chars of time (ms) + 16 random chars, ULID-style. Ids made in the same millisecond
 * increment the random part, so within one process `id` order is creation order; across replicas it is time order.
 */
export function newEventId(now: Date = new Date()): string {
  const ms = now.getTime()
  if (!Number.isFinite(ms)) throw new RangeError('newEventId: invalid date')
  const time = Math.max(0, ms)
  if (time === lastTime) {
    // +1 with carry; the top bit starts at 0, so 2^79 ids in one millisecond would be needed to overflow.
    for (let i = RANDOM_CHARS - 1; i >= 0 && ++digits[i] === 32; i--) digits[i] = 0
  } else {
    lastTime = time
    lastTimeChars = encodeTime(time)
    for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = randomByte() & 31
    digits[0] &= 15 // headroom for increments in the same ms
  }
  let random = ''
  for (const d of digits) random += ALPHABET[d]
  return `evt_${lastTimeChars}${random}`
}
