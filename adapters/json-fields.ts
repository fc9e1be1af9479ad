import { PayloadError } from '../src/errors.js'
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

export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch (err) {
    throw new PayloadError(`body is not valid JSON: ${(err as Error).message}`)
  }
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function fields(value: unknown, path = ''): Fields {
  if (!isObject(value)) throw new PayloadError(`${path || 'body'}: expected an object, got ${typeOf(value)}`)
  const at = (key: string) => (path ? `${path}.${key}` : key)
  const get = (key: string): unknown => (Object.hasOwn(value, key) ? value[key] : undefined)
  const present = (key: string) => get(key) !== undefined && get(key) !== null
  const fail = (key: string, want: string): never => {
    const v = get(key)
    throw new PayloadError(present(key) ? `${at(key)}: expected ${want}, got ${typeOf(v)}` : `${at(key)}: missing (expected ${want})`)
  }
  const optStr = (key: string): string | undefined => {
    if (!present(key)) return undefined
    const v = get(key)
    return typeof v === 'string' ? v || undefined : fail(key, 'a string')
  }
  const optNum = (key: string): number | undefined => {
    if (!present(key)) return undefined
    const v = get(key)
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(key, 'a number')
  }
  const optObj = (key: string): Fields | undefined => (present(key) ? fields(get(key), at(key)) : undefined)
  const array = (key: string): unknown[] => {
    if (!present(key)) return []
    const v = get(key)
    return Array.isArray(v) ? v : fail(key, 'an array')
  }
  return {
    path,
    has: present,
    str: (key) => optStr(key) ?? fail(key, 'a non-empty string'),
    optStr,
    num: (key) => optNum(key) ?? fail(key, 'a number'),
    optNum,
    optBool(key) {
      if (!present(key)) return undefined
      const v = get(key)
      return typeof v === 'boolean' ? v : fail(key, 'a boolean')
    },
    obj: (key) => optObj(key) ?? fail(key, 'an object'),
    optObj,
    list: (key) => array(key).map((v, i) => fields(v, `${at(key)}[${i}]`)),
    strList: (key) =>
      array(key).map((v, i) => {
        if (typeof v !== 'string') throw new PayloadError(`${at(key)}[${i}]: expected a string, got ${typeOf(v)}`)
        return v
      }),
    optTime(key) {
      if (!present(key)) return undefined
      const v = get(key)
      if (typeof v !== 'string' && typeof v !== 'number') return fail(key, 'a time')
      if (v === '') return undefined
      return toIsoUtc(v) ?? fail(key, 'a time such as "2016-08-12 15:23:28 UTC", ISO 8601 or epoch milliseconds')
    },
  }
}
