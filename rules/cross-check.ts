import { SOURCES } from '../adapters/index.js'
import { GROUP_FIELDS } from './group-key.js'
import { ROLES } from './people.js'
import type { Problem } from './problems.js'
import { didYouMean } from './suggest.js'
import { TEMPLATE_NAMES, unknownTemplateNames } from './template-names.js'

/**
 * A lenient view of the file, so cross-checks also run when the schema failed elsewhere and every problem shows in
 * one run. A valid RulesFile is one.
 */
export type CheckView = {
  targets: Record<string, unknown>
  people: readonly unknown[]
  rules: readonly unknown[]
  /** The ids of the file's own sources, whose user names people carry as the built-in ones'. */
  sources: readonly string[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const strings = (v: unknown): Array<[number, string]> => (Array.isArray(v) ? v.flatMap((x, i): Array<[number, string]> => (typeof x === 'string' ? [[i, x]] : [])) : [])

/** What the schema cannot see: references between sections, duplicates, URLs, template syntax, group_by's fields. */
export function crossCheck(c: CheckView, problems: Problem[]): void {
  const targets = Object.keys(c.targets)
  const names = c.people.flatMap((p) => (isObj(p) && typeof p.name === 'string' ? [p.name] : []))
  const rulesSeen = new Map<string, number>()

  for (const [name, t] of Object.entries(c.targets)) {
    // Never echo the value: a webhook URL carries the robot's token.
    if (isObj(t) && typeof t.webhook === 'string' && t.webhook !== '' && !isHttpUrl(t.webhook)) {
      problems.push({ path: ['targets', name, 'webhook'], message: 'is not an http(s) URL (leave it empty for a dry-run target)' })
    }
  }

  duplicates(c.people, [...new Set([...SOURCES, ...c.sources])], problems)

  c.rules.forEach((r, i) => {
    if (!isObj(r)) return
    if (typeof r.name === 'string') {
      const first = rulesSeen.get(r.name)
      if (first !== undefined) problems.push({ path: ['rules', i, 'name'], message: `duplicate rule name "${r.name}" (also rules[${first}])` })
      else rulesSeen.set(r.name, i)
    }
    for (const [j, t] of strings(r.notify)) {
      if (!targets.includes(t)) problems.push({ path: ['rules', i, 'notify', j], message: `unknown target "${t}"${didYouMean(t, targets) || `; targets are ${targets.join(', ') || '(none)'}`}` })
    }
    for (const [j, m] of strings(r.mention)) {
      if ((ROLES as readonly string[]).includes(m)) continue
      const count = names.filter((n) => n === m).length
      if (count === 0) {
        problems.push({ path: ['rules', i, 'mention', j], message: `unknown mention "${m}": not a role (${ROLES.join(', ')}) nor a name in people${didYouMean(m, [...ROLES, ...names])}` })
      } else if (count > 1) {
        problems.push({ path: ['rules', i, 'mention', j], message: `mention "${m}" is ambiguous: ${count} people are named "${m}" (give each a name of their own, e.g. "${m} (team)")` })
      }
    }
    for (const [j, f] of strings(r.group_by)) {
      if (!GROUP_FIELDS.includes(f)) problems.push({ path: ['rules', i, 'group_by', j], message: `unknown event field "${f}"${didYouMean(f, GROUP_FIELDS) || '; e.g. project, branch, sha, or a field by its dotted path (commit.author.email)'}` })
    }
    for (const part of ['title', 'body'] as const) {
      const t = isObj(r.template) ? r.template[part] : undefined
      if (typeof t !== 'string') continue
      let unknown: string[]
      try {
        unknown = unknownTemplateNames(t)
      } catch (err) {
        problems.push({ path: ['rules', i, 'template', part], message: `template does not parse: ${(err as Error).message}` })
        continue
      }
      for (const name of unknown) {
        const first = name.split('.')[0]
        problems.push({ path: ['rules', i, 'template', part], message: `template uses {{${name}}}: there is no "${first}"${didYouMean(first, TEMPLATE_NAMES)}` })
      }
    }
  })
}

/**
 * Two people with one CI username or one e-mail would make a mention ambiguous. Two people may share a name (two
 * 张伟 are common): a display name then matches neither (rules/people.ts), and a rule naming them is refused above.
 */
function duplicates(people: readonly unknown[], sources: readonly string[], problems: Problem[]): void {
  const seen = new Map<string, [number, string]>()
  people.forEach((p, i) => {
    if (!isObj(p)) return
    const keys: Array<[string, unknown]> = [
      ...sources.map((s): [string, unknown] => [s, p[s]]),
      ...strings(p.emails).map(([, e]): [string, string] => ['emails', e]),
    ]
    for (const [field, raw] of keys) {
      if (typeof raw !== 'string') continue
      const v = raw.toLowerCase()
      const other = seen.get(`${field}:${v}`)
      if (other !== undefined) problems.push({ path: ['people', i, field], message: `${field} "${raw}" is also on people[${other[0]}] (${other[1]})` })
      else seen.set(`${field}:${v}`, [i, typeof p.name === 'string' ? p.name : '?'])
    }
  })
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    // Not parseable as a URL: the caller reports it (without the value).
    return false
  }
}
