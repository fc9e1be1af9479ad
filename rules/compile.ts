import { parseGoDuration } from '../src/duration.js'
import type { CompiledRule } from './compiled-rule.js'
import { compileMatch } from './match.js'
import { buildDirectory, type Directory } from './people.js'
import type { Problem } from './problems.js'
import type { Rule, RulesFile, Target } from './schema.js'
import { crossCheck } from './cross-check.js'
import { emptyIndex, type RuleIndex } from './rule-index.js'
import { compileSources, declaredSourceIds, type ConfiguredSource, type SourceOptions } from './sources.js'
import { checkIntervalNames, compileIntervals } from './time-interval.js'

export type NamedTarget = Target & { name: string }

export type { CompiledRule }

export type CompiledRules = {
  /** Path of the file these came from (or "<inline>"). */
  file: string
  config: RulesFile
  targets: Record<string, NamedTarget>
  /** The file's own CI sources (`sources:`), by id: each served at POST /webhooks/<id> while this file runs. */
  sources: Record<string, ConfiguredSource>
  rules: CompiledRule[]
  people: Directory
  /** Candidate rules per event key, filled as events arrive (rule-index.ts). */
  index: RuleIndex
  /** Variables that were unset and taken as empty (only with `allowUnset`, for `ci-notify check --allow-unset`). */
  unsetVariables: string[]
  /** `file:line:col: path: what is likely wrong`: valid, but almost certainly not meant (rules/warnings.ts). */
  warnings: string[]
}

/**
 * Compiles a schema-valid file; every cross-reference problem is pushed to `problems` (none are thrown). Secrets of
 * its sources come from `o.env`; those unset under `allowUnset` are listed in unsetVariables.
 */
export function compile(config: RulesFile, file: string, problems: Problem[], o: SourceOptions = { env: {} }): CompiledRules {
  const ids = declaredSourceIds(config)
  crossCheck({ ...config, sources: ids }, problems)
  const unset: string[] = []
  const sources = compileSources(config.sources, o, problems, unset)
  const targets = Object.fromEntries(Object.entries(config.targets).map(([name, t]) => [name, { ...t, name }]))
  const intervals = compileIntervals(config.time_intervals, config.defaults.timezone, problems)
  const rules = config.rules.map((r, index): CompiledRule => {
    const asked = r.mention ?? []
    const conditions = compileMatch(r.match, ['rules', index, 'match'], problems)
    const mute = checkIntervalNames(r.mute_time_intervals, intervals, ['rules', index, 'mute_time_intervals'], problems)
    const active = checkIntervalNames(r.active_time_intervals, intervals, ['rules', index, 'active_time_intervals'], problems)
    return {
      name: r.name,
      index,
      conditions,
      residual: conditions.filter((c) => !c.keyed),
      notify: [...new Set(r.notify)],
      mention: asked.filter((m) => m !== 'all'),
      all: asked.includes('all'),
      continue: r.continue,
      ...(r.template && { template: r.template }),
      ...((mute.length || active.length) && { muting: { mute, active, catchUp: r.catch_up ?? 'digest' } }),
      ...(r.group_wait !== undefined && { group: { by: r.group_by ?? [], waitMs: parseGoDuration(r.group_wait)! } }),
      ...(r.remind_every !== undefined && { remindEveryMs: parseGoDuration(r.remind_every)! }),
    }
  })
  const people = buildDirectory(config.people, config.people_match, ids)
  return { file, config, targets, sources, rules, people, index: emptyIndex(ids), unsetVariables: unset, warnings: [] }
}
