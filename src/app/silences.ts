import type { AppDeps } from './deps.js'
import { newEventId } from '../ids.js'
import type { Silence } from '../silence.js'
import { parseSilence } from '../silences/parse.js'

type Deps = Pick<AppDeps, 'store' | 'rules' | 'log' | 'silencesChanged' | 'now'>

/** Expired silences stay listed this long, so "what was muted last night" can still be read. */
export const RECENTLY_EXPIRED_MS = 24 * 3_600_000

export const nowOf = (deps: Pick<AppDeps, 'now'>) => deps.now?.() ?? Date.now()

/**
 * A silence from a `POST /api/silences` body (or the console's form, turned into the same body): validated by
 * parseSilence (PayloadError naming the field), stored, and the worker told at once. Other replicas see it within a
 * second (src/silences/book.ts).
 */
export async function createSilence(deps: Deps, body: unknown): Promise<Silence> {
  const at = nowOf(deps)
  const s = parseSilence(body, { now: at, id: `sil_${newEventId(new Date(at)).slice(4)}`, targets: Object.keys(deps.rules.current.targets) })
  await deps.store.addSilence(s)
  deps.silencesChanged?.()
  deps.log.info({ silence: s.id, matchers: s.matchers, targets: s.targets ?? 'all', ends_at: new Date(s.ends_at).toISOString(), created_by: s.created_by, catch_up: s.catch_up }, 'silence created')
  return s
}

/** Ends a silence now (it stays listed); undefined when there is no such silence. */
export async function expireSilence(deps: Deps, id: string): Promise<Silence | undefined> {
  const s = await deps.store.expireSilence(id, nowOf(deps))
  if (!s) return undefined
  deps.silencesChanged?.()
  deps.log.info({ silence: s.id }, 'silence expired')
  return s
}

/** Active, pending and recently expired silences, newest first. */
export const listSilences = (deps: Deps) => deps.store.listSilences({ endedAfter: nowOf(deps) - RECENTLY_EXPIRED_MS })
