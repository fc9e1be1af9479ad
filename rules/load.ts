import { readFileSync } from 'node:fs'
import { LineCounter, parseDocument, type YAMLError } from 'yaml'
import { ConfigError } from '../src/errors.js'
import { redactValues } from '../src/redact.js'
import { aliasProblems } from './aliases.js'
import { compile, type CompiledRules } from './compile.js'
import { interpolate, type Env } from './interpolate.js'
import { where } from './locate.js'
import { configError, describeProblems, type Problem } from './problems.js'
import { crossCheck } from './cross-check.js'
import { compileMatch } from './match.js'
import { Match, rulesFileSchema, type RulesFile } from './schema.js'
import { schemaProblems } from './schema-problems.js'
import { warnings } from './warnings.js'
import { compileSources, declaredSourceIds } from './sources.js'
import { SourceDef } from './source-schema.js'

export type LoadOptions = {
  file: string
  env: Env
  /** Unset `${VAR}` become empty instead of an error (`ci-notify check --allow-unset`); never for `serve`. */
  allowUnset?: boolean
  /** Epoch ms, for the max_skew of a source's HMAC; Date.now by default. */
  now?: () => number
}

/**
 * YAML → `${VAR}` interpolation → schema → compiled matchers → cross-checks. Collects every problem and throws one
 * ConfigError listing them all, each as `file:line:col: path: what is wrong[, did you mean …]`. A valid file comes
 * back with its warnings (rules/warnings.ts) in the same format.
 *
 * Throws nothing but ConfigError, whatever the text: the server reloads this file while it runs, and a reload that
 * threw anything else would stop it. An error we did not foresee becomes a ConfigError naming the file.
 */
export function parseRules(text: string, o: LoadOptions): CompiledRules {
  const fromEnv: string[] = []
  try {
    return parse(text, o, fromEnv)
  } catch (err) {
    if (err instanceof ConfigError) throw err
    // Not a file problem we know how to name: still the file's, since the same text fails the same way each time.
    const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)
    throw new ConfigError(redactValues(`${o.file}: the rules file cannot be loaded: ${what}`, fromEnv))
  }
}

function parse(text: string, o: LoadOptions, fromEnv: string[]): CompiledRules {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, logLevel: 'error' })
  if (doc.errors.length > 0) {
    // After the first syntax error the parser reports every following token as unexpected: noise. Duplicate keys
    // are independent of each other, so all of them are shown.
    const shown = doc.errors.filter((e, i) => i === 0 || e.code === 'DUPLICATE_KEY')
    throw configError(o.file, shown.map((e) => `${where(o.file, lc, e.pos[0])}: ${yamlMessage(e)}`))
  }
  // Before anything expands the aliases: a bomb is refused where it is written, not by running out of memory.
  const aliased = aliasProblems(doc)
  if (aliased.length > 0) throw configError(o.file, describeProblems(aliased, { file: o.file, doc, lc }))
  const problems: Problem[] = []
  const { problems: envProblems, unset, values } = interpolate(doc, text, o.env, { allowUnset: o.allowUnset })
  fromEnv.push(...values)
  problems.push(...envProblems)
  // aliasProblems() bounded the expansion; yaml's own counter would also refuse an anchor used 101 times.
  const data: unknown = doc.toJS({ maxAliasCount: -1 }) ?? {}
  // The file's own sources may be named in its matches and people: the schema is built for their ids.
  const parsed = rulesFileSchema(declaredSourceIds(data)).safeParse(data)
  // A value whose variable is unset is reported once, as such, not again as "not a URL" or "expected number".
  const envPaths = new Set(envProblems.map((p) => p.path.join('\0')))
  const fail = (ps: Problem[]) => {
    const kept = ps.filter((p) => envProblems.includes(p) || !envPaths.has(p.path.join('\0')))
    // A message may quote a value ("expected boolean, got string …"); one from the environment may be a token.
    return configError(o.file, describeProblems(kept, { file: o.file, doc, lc }).map((l) => redactValues(l, values)))
  }
  if (!parsed.success) {
    // Keep looking: a typo in one rule must not hide an unknown target in another.
    salvageChecks(data, problems, o)
    throw fail([...problems, ...schemaProblems(parsed.error.issues, data)])
  }
  const compiled = compile(parsed.data as RulesFile, o.file, problems, { env: o.env, allowUnset: o.allowUnset, now: o.now })
  if (problems.length > 0) throw fail(problems)
  const warned = describeProblems(warnings(parsed.data as RulesFile, compiled.rules), { file: o.file, doc, lc }).map((l) => redactValues(l, values))
  return { ...compiled, unsetVariables: [...unset, ...compiled.unsetVariables], warnings: warned }
}

export function loadRulesFile(path: string, env: Env, o: { allowUnset?: boolean } = {}): CompiledRules {
  return parseRules(readRulesText(path), { file: path, env, allowUnset: o.allowUnset })
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a folder, not a file' }

/** The file's text, or a ConfigError saying why it cannot be read. */
export function readRulesText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new ConfigError(`${path}: cannot read the rules file: ${READ_ERRORS[code] ?? (err as Error).message}`)
  }
}

function yamlMessage(e: YAMLError): string {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
  if (e.code === 'DUPLICATE_KEY') return `${first} (a key is written twice in one mapping)`
  // `${VAR}` unquoted inside `{ … }` breaks YAML flow syntax; it is the usual cause of this one.
  return /flow|\{|\}/.test(first) ? `${first} (quote values that contain \${…} inside { … } or [ … ])` : first
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Cross-checks and pattern compilation over whatever parts of an invalid file can be read. */
function salvageChecks(data: unknown, problems: Problem[], lo: LoadOptions): void {
  const o = isObj(data) ? data : {}
  // Each source the schema accepts is compiled alone: a typo in one field must not hide a bad path in another source.
  ;(Array.isArray(o.sources) ? o.sources : []).forEach((s, i) => {
    const one = SourceDef.safeParse(s)
    if (!one.success) return
    const own: Problem[] = []
    compileSources([one.data], { env: lo.env, allowUnset: lo.allowUnset }, own, [])
    problems.push(...own.map((p) => ({ ...p, path: ['sources', i, ...p.path.slice(2)] })))
  })
  const rules = Array.isArray(o.rules) ? o.rules : []
  crossCheck({ targets: isObj(o.targets) ? o.targets : {}, people: Array.isArray(o.people) ? o.people : [], rules, sources: declaredSourceIds(data) }, problems)
  rules.forEach((r, i) => {
    if (!isObj(r) || !isObj(r.match)) return
    // Key by key: a key that fails the schema must not hide a bad pattern in another key of the same match.
    for (const [key, value] of Object.entries(r.match)) {
      const one = Match.safeParse({ [key]: value })
      if (one.success) compileMatch(one.data, ['rules', i, 'match'], problems)
    }
  })
}
