import { randomBytes } from 'node:crypto'

// Crockford base32 (ULID alphabet): ids sort as strings in the order they were made.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_CHARS = 16 // 80 bits

let lastTime = -1
let lastRandom = 0n

function encode(value: bigint, chars: number): string {
  let out = ''
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(value & 31n)] + out
    value >>= 5n
  }
  return out
}

/**
 * A new event id: `evt_` + 10 chars of time (ms) + 16 random chars, ULID-style. Ids made in the same millisecond
 * increment the random part, so within one process `id` order is creation order; across replicas it is time order.
 */
export function newEventId(now: Date = new Date()): string {
  const time = Math.max(0, now.getTime())
  if (time === lastTime) {
    lastRandom = (lastRandom + 1n) & ((1n << 80n) - 1n)
  } else {
    lastTime = time
    lastRandom = BigInt('0x' + randomBytes(10).toString('hex')) >> 1n // headroom for increments in the same ms
  }
  return `evt_${encode(BigInt(time), 10)}${encode(lastRandom, RANDOM_CHARS)}`
}
