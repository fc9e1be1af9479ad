import type { CompiledRules } from './compile.js'

// placeholder: the rules work (issue 3) fills this in (load at start, watch, SIGHUP, POST /-/reload, last result)
export class RulesRuntime {
  constructor(private rules: CompiledRules) {}
  get current(): CompiledRules {
    return this.rules
  }
}
