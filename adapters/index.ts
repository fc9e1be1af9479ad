import { CommonEvent, type Source } from '../src/event.js'
import { PayloadError } from '../src/errors.js'
import { boundStages } from './common/bound-stages.js'
import { github } from './github/index.js'
import { gitlab } from './gitlab/index.js'
import { jenkins } from './jenkins/index.js'
import { isIgnored, type Adapter, type Ignored, type RawRequest } from './common/types.js'

export const adapters: Record<Source, Adapter> = { gitlab, jenkins, github }

/**
 * Parses a request with its source's adapter and completes the event with our id and the receive time. Its stages
 * are bounded (common/bound-stages.ts: what is stored, whatever the source sent), and the result is validated against the
 * CommonEvent schema, so no adapter can hand the rest of the system an invalid or oversized event.
 * Throws PayloadError (also when validation fails, naming the field).
 */
export function toEvent(source: Source, req: RawRequest, o: { id: string; now: Date }): CommonEvent | Ignored {
  const parsed = adapters[source].parse(req)
  if (isIgnored(parsed)) return parsed
  const bounded = parsed.stages && boundStages(parsed.stages)
  const result = CommonEvent.safeParse({ ...parsed, ...bounded, id: o.id, received_at: o.now.toISOString() })
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new PayloadError(`${source} payload: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}
