import { isScalar, parseDocument, visit, type Document } from 'yaml'
import { pathOf, type Path } from './locate.js'
import type { Problem } from './problems.js'
import { PLATFORM_NAMES } from '../src/platforms/index.js'

export type Env = Record<string, string | undefined>

// `$$` is a literal `$` (so `$${X}` stays `${X}`), as in docker compose.
const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g

/**
 * Where `${VAR}` is filled: what configures a robot (its URL, signing secret and rate) and the ids a person is
 * @-mentioned by. Nowhere else, because everywhere else a value is text that a message posts to a group or the API
 * returns (a template, a keyword, a rule name, a pattern): `title: "${ADMIN_TOKEN}"` must be an error, not a leak.
 */
const FILLED: Record<string, readonly string[]> = {
  targets: ['webhook', 'secret', 'rate_per_minute'],
  people: ['mobile', ...PLATFORM_NAMES],
}
const WHERE_FILLED = `targets' webhook, secret and rate_per_minute, and people's ${FILLED.people.join(', ').replace(/, ([^,]*)$/, ' and $1')}`

/** `targets.<name>.webhook`, `people[<i>].mobile`…: a value `${VAR}` may fill (see FILLED). */
export function fillable(path: Path): boolean {
  return path.length === 3 && typeof path[2] === 'string' && (FILLED[String(path[0])]?.includes(path[2]) ?? false)
}

/**
 * Fills `${VAR}` and `${VAR:-default}` in the scalar values FILLED names, in place, from `env`; a reference anywhere
 * else is a problem at its place (`$$` stays a literal `$` everywhere). Keys are never
 * interpolated. An unset variable without a default is a problem at the exact place of its use — unless
 * `allowUnset`, which `ci-notify check --allow-unset` uses in a rules repository's CI where robot secrets are absent:
 * then it becomes empty and its name is reported in `unset`. `values` are what came from the environment, so
 * error messages can be stripped of them (they are often tokens).
 */
export function interpolate(
  doc: Document,
  text: string,
  env: Env,
  o: { allowUnset?: boolean } = {},
): { problems: Problem[]; unset: string[]; values: string[] } {
  const problems: Problem[] = []
  const unset = new Set<string>()
  const values = new Set<string>()
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return
      const path = pathOf(ancestors, node)
      const src = node.range ? text.slice(node.range[0], node.range[1]) : ''
      const at = (ref: string) => {
        const i = src.indexOf(ref)
        return node.range && i >= 0 ? node.range[0] + i : undefined
      }
      const filled = fillable(path)
      const value = node.value.replace(REF, (ref, name: string | undefined, def: string | undefined) => {
        if (ref === '$$') return '$'
        if (name === undefined) {
          problems.push({ path, offset: at(ref), message: `"${ref}" is not a variable reference: write \${NAME} or \${NAME:-default} (or $\${ for a literal \${)` })
          return ref
        }
        if (!filled) {
          problems.push({ path, offset: at(ref), message: `\${${name}} is not filled here: only ${WHERE_FILLED} take \${VAR}, so that no environment value (often a token) reaches a message or the API; write the text itself (or $\${ for a literal \${)` })
          return ref
        }
        const v = env[name]
        if (v !== undefined && v !== '') {
          values.add(v)
          return v
        }
        if (def !== undefined) return def
        if (v === '') return v
        if (o.allowUnset) {
          unset.add(name)
          return ''
        }
        problems.push({ path, offset: at(ref), message: `environment variable ${name} is not set (write \${${name}:-} to make it optional)` })
        return ref
      })
      if (value !== node.value) node.value = retype(path, value)
    },
  })
  return { problems, unset: [...unset], values: [...values] }
}

/**
 * `rate_per_minute: ${RATE:-20}` means the number 20, as if it had been written there: the one filled value that is
 * not text (`mobile: ${MOBILE}` is not a number). Only a lone plain scalar is read as YAML: a value such as
 * `[unclosed` or `*a` stays text, and the schema then says it is not a number.
 */
function retype(path: Path, value: string): unknown {
  if (value === '' || path[0] !== 'targets' || path[2] !== 'rate_per_minute') return value
  const doc = parseDocument(value)
  const v: unknown = doc.errors.length === 0 && isScalar(doc.contents) ? doc.contents.value : undefined
  return typeof v === 'number' || typeof v === 'boolean' ? v : value
}
