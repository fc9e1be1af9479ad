import { PayloadError } from '../../src/errors.js'
import { toIsoUtc } from './parse-time.js'

/**
 * Typed reads over untrusted JSON. Every failure is a PayloadError whose message names the dotted path and what was
 * expected (`object_attributes.status: expected a string, got number`); values themselves are never echoed.
 * `null` reads as absent (GitLab and GitHub send null for unset fields), and so does "" for optional strings (GitHub
 * sends "" for unset URLs).
 */
export type Fields = {
  readonly path: string
  has(key: string): boolean
  str(key: string): string
  optStr(key: string): string | undefined
  num(key: string): number
  optNum(key: string): number | undefined
  optBool(key: string): boolean | undefined
  obj(key: string): Fields
  optObj(key: string): Fields | undefined
  /** Array of objects; absent → []. */
  list(key: string): Fields[]
  /** Array of strings; absent → []. */
  strList(key: string): string[]
  /** A time in any format parse-time knows, as ISO-8601 UTC. */
  optTime(key: string): string | undefined
}

/** JSON text → value. A leading UTF-8 BOM (some HTTP clients and Windows tools write one) is skipped, as RFC 8259 §8.1
 * allows a parser to; the raw body, BOM included, is what signatures are checked over. */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body)
  } catch (err) {
    throw new PayloadError(`body is not valid JSON: ${(err as Error).message}`)
  }
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function fields(value: unknown, path = ''): Fields {
  if (!isObject(value)) throw new PayloadError(`${path || 'body'}: expected an object, got ${typeOf(value)}`)
  return new ObjectFields(value, path)
}

/** One object's reader. A class, not closures: a webhook reads a dozen objects (every GitLab build is one). */
class ObjectFields implements Fields {
  // Private (#): a Fields object that ends up logged or serialised must not carry the payload with it.
  readonly #value: Record<string, unknown>

  constructor(
    value: Record<string, unknown>,
    readonly path: string,
  ) {
    this.#value = value
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key
  }

  /** The value at `key`; null reads as absent (undefined), as GitLab and GitHub send null for unset fields. */
  private get(key: string): unknown {
    const v = Object.hasOwn(this.#value, key) ? this.#value[key] : undefined
    return v === null ? undefined : v
  }

  private fail(key: string, want: string): never {
    const v = this.get(key)
    throw new PayloadError(this.has(key) ? `${this.at(key)}: expected ${want}, got ${typeOf(v)}` : `${this.at(key)}: missing (expected ${want})`)
  }

  private array(key: string): unknown[] {
    const v = this.get(key)
    if (v === undefined) return []
    return Array.isArray(v) ? v : this.fail(key, 'an array')
  }

  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  str(key: string): string {
    return this.optStr(key) ?? this.fail(key, 'a non-empty string')
  }

  optStr(key: string): string | undefined {
    const v = this.get(key)
    if (v === undefined) return undefined
    return typeof v === 'string' ? v || undefined : this.fail(key, 'a string')
  }

  num(key: string): number {
    return this.optNum(key) ?? this.fail(key, 'a number')
  }

  optNum(key: string): number | undefined {
    const v = this.get(key)
    if (v === undefined) return undefined
    if (typeof v !== 'number') return this.fail(key, 'a number')
    // JSON.parse reads 1e309 as Infinity: a number, but none we can use
    if (!Number.isFinite(v)) throw new PayloadError(`${this.at(key)}: number out of range`)
    return v
  }

  optBool(key: string): boolean | undefined {
    const v = this.get(key)
    if (v === undefined) return undefined
    return typeof v === 'boolean' ? v : this.fail(key, 'a boolean')
  }

  obj(key: string): Fields {
    return this.optObj(key) ?? this.fail(key, 'an object')
  }

  optObj(key: string): Fields | undefined {
    const v = this.get(key)
    return v === undefined ? undefined : fields(v, this.at(key))
  }

  list(key: string): Fields[] {
    return this.array(key).map((v, i) => fields(v, `${this.at(key)}[${i}]`))
  }

  strList(key: string): string[] {
    return this.array(key).map((v, i) => {
      if (typeof v !== 'string') throw new PayloadError(`${this.at(key)}[${i}]: expected a string, got ${typeOf(v)}`)
      return v
    })
  }

  optTime(key: string): string | undefined {
    const v = this.get(key)
    if (v === undefined) return undefined
    if (typeof v !== 'string' && typeof v !== 'number') return this.fail(key, 'a time')
    if (v === '') return undefined
    return toIsoUtc(v) ?? this.fail(key, 'a time such as "2016-08-12 15:23:28 UTC", ISO 8601 or epoch milliseconds')
  }
}

/** A JSON body's top-level keys, or none when it is not an object: for guessing what a captured body is, never for reading it. */
export function topLevel(body: string): Record<string, unknown> {
  const v = parseJsonBody(body)
  return isObject(v) ? v : {}
}
