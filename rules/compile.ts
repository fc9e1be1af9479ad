import type { RulesFile, Target } from './schema.js'

// placeholder: the rules work (issue 3) fills this in (compiled matchers, people directory index…)
export type NamedTarget = Target & { name: string }
export type CompiledRules = {
  /** Path of the file these came from (or "<inline>"). */
  file: string
  config: RulesFile
  targets: Record<string, NamedTarget>
}
