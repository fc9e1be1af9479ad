import { readFileSync } from 'node:fs'
import { SOURCES } from '../adapters/index.js'
import type { Adapter } from '../adapters/common/types.js'
import { SourceName } from '../src/event.js'
import type { Env } from './interpolate.js'
import type { Problem } from './problems.js'
import { authProblems } from './source-auth.js'
import { sourceAdapter } from './source-adapter.js'
import type { SourceDef } from './source-schema.js'

/** How a source's webhooks are authenticated, as /api/status shows it. */
export type InboundAuth = 'token' | 'signature' | 'open'

/** A source defined under `sources:`, compiled: its adapter and the secret its auth checks (none for `kind: none`). */
export type ConfiguredSource = { adapter: Adapter; secret?: string; inbound: InboundAuth }

export type SourceOptions = {
  env: Env
  /** An unset secret_env is reported in `unset` instead of a problem (`ci-notify check --allow-unset`). */
  allowUnset?: boolean
  /** Epoch ms, for an HMAC's max_skew; Date.now by default. */
  now?: () => number
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The ids of a file's `sources:` that can name a source elsewhere in the file (`source:` in a match, people's user
 * names): well-formed and not built in. Read from the raw data, before the schema, which is built for them.
 */
export function declaredSourceIds(data: unknown): string[] {
  const list = isObj(data) && Array.isArray(data.sources) ? data.sources : []
  const ids = list.flatMap((s) => (isObj(s) && typeof s.id === 'string' && SourceName.safeParse(s.id).success ? [s.id] : []))
  return [...new Set(ids)].filter((id) => !(SOURCES as readonly string[]).includes(id))
}

/**
 * Compiles every source of a schema-valid file: ids (unique, not a built-in source's), auth, secrets from the
 * environment (`secret_env`, or the file `<secret_env>_FILE` names), fields. Problems are pushed, not thrown; a
 * source with one is left out. Unset secrets under `allowUnset` are pushed to `unset`.
 */
export function compileSources(defs: SourceDef[], o: SourceOptions, problems: Problem[], unset: string[]): Record<string, ConfiguredSource> {
  const out: Record<string, ConfiguredSource> = {}
  defs.forEach((def, i) => {
    const at = (path: Array<string | number>, message: string) => problems.push({ path: ['sources', i, ...path], message })
    const before = problems.length
    if ((SOURCES as readonly string[]).includes(def.id)) {
      at(['id'], `"${def.id}" is a built-in source (${SOURCES.join(', ')}): its endpoint is taken; give this source another id, e.g. "${def.id}-2"`)
    } else if (defs.findIndex((d) => d.id === def.id) < i) {
      at(['id'], `duplicate source id "${def.id}" (also sources[${defs.findIndex((d) => d.id === def.id)}])`)
    }
    for (const p of authProblems(def.auth)) at(['auth', ...p.path], p.message)
    const secret = def.auth.kind === 'none' ? undefined : readSecret(def.auth.secret_env, o, (m) => at(['auth', 'secret_env'], m), unset)
    const fieldProblems: Array<{ path: Array<string | number>; message: string }> = []
    const compiled = sourceAdapter(def, { label: def.id, now: o.now ?? Date.now }, fieldProblems)
    for (const p of fieldProblems) at(p.path, p.message)
    if (problems.length > before || !compiled) return
    const inbound: InboundAuth = def.auth.kind === 'none' ? 'open' : def.auth.kind === 'hmac' ? 'signature' : 'token'
    out[def.id] = { adapter: compiled, inbound, ...(secret !== undefined && { secret }) }
  })
  return out
}

/**
 * A secret from `NAME` or from the file `NAME_FILE` names (one, not both), as settings read theirs. A trailing
 * newline in the file is not part of the secret. Never in a message: only the variable's name is.
 */
function readSecret(name: string, o: SourceOptions, problem: (m: string) => void, unset: string[]): string | undefined {
  const value = o.env[name]
  const file = o.env[`${name}_FILE`]
  if (value !== undefined && value !== '' && file) return void problem(`${name} and ${name}_FILE are both set; use one`)
  if (file) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      return void problem(`${name}_FILE: cannot read the file it names (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    const v = text.replace(/\r?\n$/, '')
    return v === '' ? void problem(`${name}_FILE names an empty file`) : v
  }
  if (value) return value
  if (o.allowUnset) {
    unset.push(name)
    return undefined
  }
  return void problem(`${name} is not set (nor ${name}_FILE): the secret this source's webhooks are checked with; to accept unauthenticated webhooks write auth: { kind: none }`)
}
