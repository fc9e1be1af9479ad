import type { z } from 'zod'
import type { Path } from './locate.js'
import type { Problem } from './problems.js'
import { platforms } from '../src/platforms/index.js'
import { Defaults, Match, PeopleMatch, PersonEntry, Rule, RulesFile, targetSchemaOf } from './schema.js'
import { didYouMean } from './suggest.js'
import { FieldSpec, FIELD_NAMES, SourceAuth, SourceDef } from './source-schema.js'
import { declaredSourceIds } from './sources.js'

type Issue = z.core.$ZodIssue

/** Turns zod's issues into ops-readable problems: the value that is wrong, what is allowed, the likely typo. */
export function schemaProblems(issues: Issue[], data: unknown): Problem[] {
  return issues.flatMap((i) => toProblems(i, [], data))
}

function toProblems(issue: Issue, base: Path, data: unknown): Problem[] {
  const path = [...base, ...(issue.path as Array<string | number>)]
  const value = valueAt(data, path)
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const known = knownKeys(path, data)
        return { path, key: k, message: `unknown key "${k}"${didYouMean(k, known) || (known.length ? `; allowed: ${known.join(', ')}` : '')}` }
      })
    case 'invalid_value': {
      const allowed = issue.values.map(String)
      return [{ path, message: `${JSON.stringify(value)} is not one of ${allowed.join(', ')}${didYouMean(String(value), allowed)}` }]
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        // A discriminated union (targets) whose `type` is missing or unknown.
        const opts = (issue as { options?: unknown[] }).options?.map(String) ?? []
        const v = valueAt(data, path)
        if (v === undefined) return [{ path: path.slice(0, -1), message: `missing required key "${String(path.at(-1))}" (one of ${opts.join(', ')})` }]
        return [{ path, message: `${JSON.stringify(v)} is not one of ${opts.join(', ')}${didYouMean(String(v), opts)}` }]
      }
      // A "one or many" value: report the branch that fits the shape written (scalar or list).
      const shapeFits = issue.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0))
      const fits = (Array.isArray(value) ? shapeFits.find((errs) => errs.every((e) => e.path.length > 0)) : undefined) ?? shapeFits[0] ?? issue.errors[0]
      return fits.flatMap((e) => toProblems(e, path, data))
    }
    case 'invalid_type':
      if (value === undefined) return [{ path: path.slice(0, -1), message: `missing required key "${String(path.at(-1))}"` }]
      return [{ path, message: `expected ${issue.expected}, got ${describe(value)}` }]
    case 'too_small':
      if (issue.origin === 'array') return [{ path, message: `needs at least ${String(issue.minimum)} item(s)` }]
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }]
      return [{ path, message: `${JSON.stringify(value)} is less than the minimum, ${String(issue.minimum)}` }]
    case 'too_big':
      return [{ path, message: `${JSON.stringify(value)} is more than the maximum, ${String(issue.maximum)}` }]
    default:
      return [{ path, message: issue.message }]
  }
}

function describe(v: unknown): string {
  if (v === null) return 'nothing (null)'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  return `${typeof v} ${JSON.stringify(v)}`
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined
  return v
}

const keysOf = (o: { shape: Record<string, unknown> }) => Object.keys(o.shape)

/** The keys allowed at a path, for "did you mean". */
function knownKeys(path: Path, data: unknown): string[] {
  const p = path.map((s) => (typeof s === 'number' ? '#' : s))
  const at = p.join('.')
  if (at === '') return keysOf(RulesFile)
  if (at === 'defaults') return keysOf(Defaults)
  if (p[0] === 'targets' && p.length === 2) {
    const schema = targetSchemaOf(String(valueAt(data, [...path, 'type'])))
    // An unknown or missing type: every key some platform's target has.
    return schema ? keysOf(schema) : [...new Set(Object.values(platforms).flatMap((pl) => keysOf(pl.target as { shape: Record<string, unknown> })))]
  }
  if (at === 'people.#') return [...keysOf(PersonEntry), ...declaredSourceIds(data)]
  if (at === 'sources.#') return keysOf(SourceDef)
  if (at === 'sources.#.fields') return [...FIELD_NAMES]
  if (p[0] === 'sources' && p[2] === 'fields' && p.length === 4) return keysOf(FieldSpec)
  if (at === 'sources.#.auth') {
    const kind = valueAt(data, [...path, 'kind'])
    const schema = SourceAuth.options.find((o) => o.shape.kind.value === kind)
    return schema ? keysOf(schema) : ['kind']
  }
  if (at === 'people_match') return keysOf(PeopleMatch)
  if (at === 'rules.#') return keysOf(Rule)
  if (at === 'rules.#.match') return keysOf(Match)
  if (at === 'rules.#.template') return ['title', 'body']
  return []
}
