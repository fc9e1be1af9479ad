import { describe, expect, it } from 'vitest'
import { compileField, type FieldProblem } from '../../rules/source-fields.js'
import { compileRef, readRef } from '../../rules/source-path.js'
import { FieldSpec, type FieldName } from '../../rules/source-schema.js'
import { PayloadError } from '../../src/errors.js'

/** Each transform of a configured source's field, alone, and the 400 each failure gives. */
const field = (name: FieldName, spec: unknown) => {
  const problems: FieldProblem[] = []
  const f = compileField(name, FieldSpec.parse(spec), problems)
  if (!f) throw new Error(JSON.stringify(problems))
  return (body: unknown, headers: Record<string, string> = {}) => f.read({ body, headers: new Headers(headers) }, 'ci')?.value
}
const problemsOf = (name: FieldName, spec: unknown) => {
  const problems: FieldProblem[] = []
  compileField(name, FieldSpec.parse(spec), problems)
  return problems
}

describe('paths', () => {
  it('dots and [n] indices, own keys only; anything else is refused at load', () => {
    const body = { items: [{ name: 'a' }, { name: 'b', tags: ['x', 'y'] }], 'a-b': { c: 1 } }
    expect(readRef(compileRef('items[1].name'), { body, headers: new Headers() })).toBe('b')
    expect(readRef(compileRef('items[1].tags[1]'), { body, headers: new Headers() })).toBe('y')
    expect(readRef(compileRef('a-b.c'), { body, headers: new Headers() })).toBe(1)
    expect(readRef(compileRef('items[5].name'), { body, headers: new Headers() })).toBeUndefined()
    expect(readRef(compileRef('items.name'), { body, headers: new Headers() })).toBeUndefined()
    expect(readRef(compileRef('constructor'), { body, headers: new Headers() })).toBeUndefined()
    expect(readRef(compileRef('header:X-Ci-Event'), { body, headers: new Headers({ 'x-ci-event': 'done' }) })).toBe('done')
    for (const bad of ['items[*].name', '$.items', 'items[?(@.x)]', 'a..b', 'items[-1]', "a['b']", '']) expect(() => compileRef(bad)).toThrow(/not a plain path/)
  })
})

describe('transforms', () => {
  it('from, value', () => {
    expect(field('branch', { from: 'ref' })({ ref: 'main' })).toBe('main')
    expect(field('kind', { value: 'deploy' })({})).toBe('deploy')
  })

  it('trim_prefix: the first prefix of a list that matches', () => {
    const f = field('branch', { from: 'ref', trim_prefix: ['refs/heads/', 'refs/tags/'] })
    expect(f({ ref: 'refs/heads/main' })).toBe('main')
    expect(f({ ref: 'refs/tags/v1' })).toBe('v1')
    expect(f({ ref: 'feature' })).toBe('feature')
  })

  it('extract: the one group, on RE2; no match is absent', () => {
    const f = field('project.path', { from: 'slug', extract: '^[^/]+/(.+)$', optional: true })
    expect(f({ slug: 'github/acme/api' })).toBe('acme/api')
    expect(f({ slug: 'nogroup' })).toBeUndefined()
    // a pattern that backtracks exponentially in a backtracking engine returns at once here (or the test times out)
    const evil = field('name', { from: 'n', extract: '^((?:a+)+)$', optional: true })
    expect(evil({ n: 'a'.repeat(50_000) + '!' })).toBeUndefined()
  })

  it('map with default; a value not in map without default is a 400 that never shows the value', () => {
    const f = field('status', { from: 'state', map: { passed: 'success', failed: 'failed' }, default: 'running' })
    expect(f({ state: 'passed' })).toBe('success')
    expect(f({ state: 'weird' })).toBe('running')
    expect(f({})).toBe('running')
    const strict = field('status', { from: 'state', map: { passed: 'success' } })
    expect(() => strict({ state: 'secret-looking-value' })).toThrow(
      new PayloadError('ci payload: field status (from state): its value is not in map, and there is no default (values are never shown: add it to map or set default)'),
    )
  })

  it('time: iso8601, "YYYY-MM-DD HH:mm:ss Z", unix_s, unix_ms; garbage is a 400', () => {
    expect(field('started_at', { from: 't', time: 'iso8601' })({ t: '2026-12-05T08:00:00+08:00' })).toBe('2026-12-05T00:00:00.000Z')
    expect(field('started_at', { from: 't', time: 'YYYY-MM-DD HH:mm:ss Z' })({ t: '2026-12-05 08:00:00 +0800' })).toBe('2026-12-05T00:00:00.000Z')
    expect(field('started_at', { from: 't', time: 'unix_s' })({ t: 1764892800 })).toBe('2025-12-05T00:00:00.000Z')
    expect(field('started_at', { from: 't', time: 'unix_s' })({ t: '1764892800' })).toBe('2025-12-05T00:00:00.000Z')
    expect(field('finished_at', { from: 't', time: 'unix_ms' })({ t: 1764892800000 })).toBe('2025-12-05T00:00:00.000Z')
    expect(() => field('finished_at', { from: 't', time: 'unix_ms' })({ t: 1764892800 })).toThrow('ci payload: field finished_at (from t): not a time written unix_ms')
  })

  it('numbers from numbers or digit strings; anything else a 400', () => {
    const f = field('number', { from: 'n' })
    expect(f({ n: 42 })).toBe(42)
    expect(f({ n: '42' })).toBe(42)
    expect(() => f({ n: 'forty-two' })).toThrow('ci payload: field number (from n): expected a number')
  })

  it('optional leaves the field out; required and missing is a 400 naming source, field and from path; objects are refused', () => {
    expect(field('actor', { from: 'who.name', optional: true })({})).toBeUndefined()
    expect(() => field('sha', { from: 'build.commit' })({ build: {} })).toThrow('ci payload: field sha (from build.commit): missing (required: set optional: true or a default)')
    expect(() => field('sha', { from: 'build' })({ build: { x: 1 } })).toThrow('ci payload: field sha (from build): expected a value, got an object')
    expect(field('sha', { from: 'sha', default: 'unknown' })({ sha: '' })).toBe('unknown')
  })

  it('a status or kind outside the event schema is refused at load, with did you mean', () => {
    expect(problemsOf('status', { from: 's', map: { ok: 'succes' } })).toEqual([
      { path: ['map', 'ok'], message: '"succes" is not a status: one of queued, running, success, failed, unstable, canceled, skipped, manual, did you mean "success"?' },
    ])
    expect(problemsOf('kind', { value: 'job' })[0].message).toMatch(/^"job" is not a kind: one of pipeline, build, deploy/)
  })
})
