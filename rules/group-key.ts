import { z } from 'zod'
import { CommonEvent } from '../src/event.js'
import type { Transition } from '../src/routing.js'
import { PATTERN_FIELDS, patternValues } from './match.js'

/** Every scalar field of the common event, by its dotted path (`sha`, `project.name`, `commit.author.email`…). */
function leafPaths(schema: z.ZodType, prefix: string): string[] {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema
  if (inner instanceof z.ZodObject) return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k))
  if (inner instanceof z.ZodArray) return []
  return prefix ? [prefix] : []
}

const EVENT_FIELDS = leafPaths(CommonEvent, '').filter((p) => !['id', 'delivery_id', 'received_at'].includes(p))

/**
 * What `group_by` may name: a key of `match`, read as `match` reads it (`project` is the project's path, `branch` a
 * deploy's branch too), `transition`, or any scalar field of the common event by its dotted path. Ours per event
 * (`id`, `delivery_id`, `received_at`) are left out: grouping by them would make a group of one.
 */
export const GROUP_FIELDS: readonly string[] = [...new Set(['source', 'kind', 'status', 'transition', ...PATTERN_FIELDS, ...EVENT_FIELDS])]

function valueOf(field: string, e: CommonEvent, transition: Transition | null): unknown {
  if (field === 'transition') return transition
  if ((PATTERN_FIELDS as readonly string[]).includes(field)) return patternValues(field as (typeof PATTERN_FIELDS)[number], e)
  let v: unknown = e
  for (const part of field.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined
  return v
}

/** A key of `match` reads as a list (`ref` may be several names): one value as itself, none as null. */
const one = (v: unknown): unknown => (Array.isArray(v) ? (v.length === 0 ? null : v.length === 1 ? v[0] : v) : (v ?? null))

/**
 * The group an event joins under a rule's `group_by`: its values of those fields, in order, as one string (a missing
 * field is null, so events that all lack it share a group). No `group_by`: one group per rule and target.
 */
export function groupKey(by: readonly string[], e: CommonEvent, transition: Transition | null): string {
  return JSON.stringify(by.map((f) => one(valueOf(f, e, transition))))
}
