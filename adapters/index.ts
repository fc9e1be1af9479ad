import { CommonEvent } from '../src/event.js'
import { PayloadError } from '../src/errors.js'
import { boundStages } from './common/bound-stages.js'
import { isIgnored, type Adapter, type Ignored, type RawRequest } from './common/types.js'
import { forgejo } from './forgejo/index.js'
import { gitea } from './gitea/index.js'
import { github } from './github/index.js'
import { gitlab } from './gitlab/index.js'
import { jenkins } from './jenkins/index.js'

/**
 * The CI sources. Adding one is a folder beside these (its declaration, verify and parse: adapters/common/types.ts)
 * and one line here; the webhook route, settings, the banner, /api/status, the rules schema (people's ids,
 * `source:`), `check`, `normalize` and `test` read this.
 */
export const adapters = { gitlab, jenkins, github, gitea, forgejo } satisfies Record<string, Adapter>

export type Source = keyof typeof adapters
export const SOURCES = Object.keys(adapters) as Source[]
export const isSource = (name: string): name is Source => Object.hasOwn(adapters, name)

/**
 * Parses a request with its source's adapter (a built-in source by name, or any Adapter: one defined in the rules
 * file, rules/source-adapter.ts) and completes the event with its source, our id and the receive time.
 * Its stages are bounded (common/bound-stages.ts: what is stored, whatever the source sent), and the result is
 * validated against the CommonEvent schema, so no adapter can hand the rest of the system an invalid or oversized
 * event. Throws PayloadError (also when validation fails, naming the field).
 */
export function toEvent(from: Source | Adapter, req: RawRequest, o: { id: string; now: Date }): CommonEvent | Ignored {
  const adapter = typeof from === 'string' ? adapters[from] : from
  const source = adapter.name
  const parsed = adapter.parse(req)
  if (isIgnored(parsed)) return parsed
  const bounded = parsed.stages && boundStages(parsed.stages)
  const result = CommonEvent.safeParse({ ...parsed, ...bounded, source, id: o.id, received_at: o.now.toISOString() })
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new PayloadError(`${source} payload: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}
