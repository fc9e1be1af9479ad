import { adapters, isSource, SOURCES, type Source } from '../../adapters/index.js'
import type { Adapter } from '../../adapters/common/types.js'
import type { CompiledRules } from '../../rules/compile.js'
import type { Settings } from '../settings/settings.js'
import { didYouMean } from '../../rules/suggest.js'

/** A source as a webhook is served by it: its adapter and the secret its auth is checked with (none: open). */
export type ServedSource = { name: string; adapter: Adapter; secret?: string }

/**
 * The source at `POST /webhooks/<name>` now: a built-in one (adapters/index.ts, its secret from the settings) or one
 * the running rules file defines (`sources:`, its secret from its secret_env). Read per request, so a rules reload
 * adds and removes endpoints; undefined for a name that is neither (404).
 */
export function sourceOf(o: { settings: Pick<Settings, 'secrets'>; rules: { current: CompiledRules } }, name: string): ServedSource | undefined {
  if (isSource(name)) return { name, adapter: adapters[name], secret: o.settings.secrets[name] }
  const rules = o.rules.current
  if (!Object.hasOwn(rules.sources, name)) return undefined
  const c = rules.sources[name]
  return { name, adapter: c.adapter, ...(c.secret !== undefined && { secret: c.secret }) }
}

/** Every source name served now, built-in first. */
export const sourceNames = (rules: CompiledRules): string[] => [...SOURCES, ...Object.keys(rules.sources)]

/** A built-in source served with the settings' secret (the bench and tests ingest by name). */
export const nativeSource = (settings: Pick<Settings, 'secrets'>, name: Source): ServedSource => ({ name, adapter: adapters[name], secret: settings.secrets[name] })

/** The adapter of a built-in source or of one `rules` defines, for `normalize`, `test` and golden cases. */
export function adapterNamed(rules: CompiledRules | undefined, name: string): Adapter | undefined {
  if (isSource(name)) return adapters[name]
  return rules && Object.hasOwn(rules.sources, name) ? rules.sources[name].adapter : undefined
}

/** `--source x` that names nothing: what there is, and the likely typo. */
export function unknownSourceText(name: string, rules: CompiledRules | undefined): string {
  const names = rules ? sourceNames(rules) : SOURCES
  return `unknown source ${JSON.stringify(name)}${didYouMean(name, names)}; sources are ${names.join(', ')}${rules ? '' : ' (and those a rules file defines: --rules FILE)'}`
}
