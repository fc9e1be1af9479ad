import { toIsoUtc } from '../adapters/common/parse-time.js'
import { PayloadError } from '../src/errors.js'
import { KINDS, STATUSES } from '../src/event.js'
import { compileExtract } from './re2.js'
import { compileRef, readRef, type Payload, type Ref } from './source-path.js'
import type { FieldName, FieldSpec } from './source-schema.js'
import { didYouMean } from './suggest.js'

/** A field's value once read and transformed: text, or a number for the numeric fields. */
export type Value = string | number

/** One field of a configured source, compiled: `read` returns its value, undefined when absent and allowed to be. */
export type CompiledField = {
  name: FieldName
  /** The `from` as written (or "value"), for messages. */
  from: string
  /** The text read before `map` (a status's native value, kept as `source_status`). */
  read(p: Payload, id: string): { value: Value; native: string } | undefined
}

const NUMBERS: readonly FieldName[] = ['number', 'attempt', 'duration_s', 'queued_s', 'merge_request.number']
const TIMES: readonly FieldName[] = ['started_at', 'finished_at']
/** Fields whose values are a closed set: `value`, `map`'s values and `default` are checked against it at load. */
const CLOSED: Partial<Record<FieldName, readonly string[]>> = { kind: KINDS, status: STATUSES }

/** A problem with one field's definition, its path under the field (`['map', 'passed']`). */
export type FieldProblem = { path: Array<string | number>; message: string }

/**
 * Compiles a field (rules/source-schema.ts: FieldSpec). The transforms run in a fixed order, each at most once:
 * read (`from` or `value`) → `trim_prefix` → `extract` → `map` (else `default`) → `time` → the field's type. Each is
 * linear in the value: `extract` runs on RE2. Problems in the definition are pushed, not thrown.
 */
export function compileField(name: FieldName, spec: FieldSpec, problems: FieldProblem[]): CompiledField | undefined {
  const before = problems.length
  if ((spec.from === undefined) === (spec.value === undefined)) problems.push({ path: [], message: 'needs exactly one of from (where the value is) and value (a constant)' })
  let ref: Ref | undefined
  if (spec.from !== undefined) {
    try {
      ref = compileRef(spec.from)
    } catch (err) {
      problems.push({ path: ['from'], message: (err as Error).message })
    }
  }
  let extract: ((v: string) => string | undefined) | undefined
  if (spec.extract !== undefined) {
    try {
      extract = compileExtract(spec.extract)
    } catch (err) {
      problems.push({ path: ['extract'], message: `is not a regular expression RE2 can run: ${(err as Error).message}` })
    }
  }
  if (spec.time !== undefined && !TIMES.includes(name)) problems.push({ path: ['time'], message: `${name} is not a time; time applies to ${TIMES.join(' and ')}` })
  const closed = CLOSED[name]
  if (closed) {
    const check = (v: unknown, path: Array<string | number>) => {
      if (typeof v !== 'string' || !closed.includes(v)) problems.push({ path, message: `${JSON.stringify(v)} is not a ${name}: one of ${closed.join(', ')}${didYouMean(String(v), closed)}` })
    }
    if (spec.value !== undefined) check(spec.value, ['value'])
    for (const [k, v] of Object.entries(spec.map ?? {})) check(v, ['map', k])
    if (spec.default !== undefined) check(spec.default, ['default'])
  }
  if (problems.length > before) return undefined

  const trims = spec.trim_prefix === undefined ? [] : [spec.trim_prefix].flat()
  const map = spec.map
  const from = spec.from ?? 'value'
  const fail = (id: string, what: string): never => {
    throw new PayloadError(`${id} payload: field ${name} (from ${from}): ${what}`)
  }
  return {
    name,
    from,
    read(p, id) {
      const raw = ref ? readRef(ref, p) : spec.value
      if (raw !== undefined && typeof raw === 'object') fail(id, `expected a value, got ${Array.isArray(raw) ? 'a list' : 'an object'}`)
      let text = raw === undefined ? undefined : String(raw)
      if (text === '') text = undefined
      const trim = text === undefined ? undefined : trims.find((t) => text!.startsWith(t))
      if (text !== undefined && trim !== undefined) text = text.slice(trim.length)
      if (text !== undefined && extract) text = extract(text)
      const native = text
      let out: unknown = text
      if (text !== undefined && map) out = Object.hasOwn(map, text) ? map[text] : spec.default ?? fail(id, 'its value is not in map, and there is no default (values are never shown: add it to map or set default)')
      if (out === undefined && spec.default !== undefined) out = spec.default
      if (out === undefined) return spec.optional ? undefined : fail(id, `missing${extract ? ', or extract did not match' : ''} (required: set optional: true or a default)`)
      return { value: typed(name, spec, out, id, fail), native: native ?? String(out) }
    },
  }
}

function typed(name: FieldName, spec: FieldSpec, v: unknown, id: string, fail: (id: string, what: string) => never): Value {
  if (TIMES.includes(name)) return toTime(spec.time, v) ?? fail(id, `not a time${spec.time ? ` written ${spec.time}` : ''}`)
  if (NUMBERS.includes(name)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN
    return Number.isFinite(n) ? n : fail(id, 'expected a number')
  }
  const closed = CLOSED[name]
  if (closed && !closed.includes(String(v))) fail(id, `its value is not a ${name} (${closed.join(', ')}): translate it with map`)
  return String(v)
}

/** A time as ISO-8601 UTC: unix seconds or milliseconds, or any text format adapters/common/parse-time.ts reads. */
function toTime(format: FieldSpec['time'], v: unknown): string | undefined {
  if (format === 'unix_s' || format === 'unix_ms') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN
    const ms = format === 'unix_s' ? n * 1000 : n
    // Before 2001 or past 2286 is not a CI timestamp (likely the other unit, or garbage).
    return Number.isFinite(ms) && ms >= 1e12 && ms <= 1e13 ? new Date(ms).toISOString() : undefined
  }
  return typeof v === 'string' || typeof v === 'number' ? toIsoUtc(v) : undefined
}
