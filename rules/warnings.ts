import type { CompiledRule } from './compile.js'
import type { Problem } from './problems.js'
import { reachProblems } from './reach.js'
import type { RulesFile } from './schema.js'
import { platformOf } from '../src/platforms/index.js'
import { otherPlatformOf } from './webhook-shapes.js'

/**
 * What is valid but almost certainly not meant: `ci-notify check` prints these and still exits 0; `serve` logs them at
 * load and reload. A warning never quotes a webhook URL or a secret (both carry credentials).
 */
export function warnings(config: RulesFile, rules: CompiledRule[]): Problem[] {
  const out: Problem[] = []
  for (const [name, t] of Object.entries(config.targets)) {
    const platform = platformOf(t.type)
    const other = t.webhook ? otherPlatformOf(t.type, t.webhook) : undefined
    if (other) {
      out.push({ path: ['targets', name, 'webhook'], message: `a ${t.type} target whose webhook is on ${other.label}'s host (${other.host}): set type: ${other.type}, or use the ${platform.label} robot's webhook` })
    }
    const secret = 'secret' in t ? t.secret : undefined
    const shape = platform.secretPrefix
    if (shape && typeof secret === 'string' && secret && !secret.startsWith(shape.prefix)) {
      out.push({ path: ['targets', name, 'secret'], message: `does not start with ${shape.prefix}: ${shape.where}` })
    }
    const own = platform.warnings?.(t) ?? []
    for (const w of own) out.push({ path: ['targets', name, w.key], message: w.message })
  }
  // As the start banner warns about a built-in source without its secret: an open door, written on purpose or not.
  config.sources.forEach((src, i) => {
    if (src.auth.kind === 'none') out.push({ path: ['sources', i, 'auth', 'kind'], message: `POST /webhooks/${src.id} accepts unauthenticated requests: anyone who can reach the port can post to it (use token, hmac or basic where the CI can send one)` })
  })
  config.rules.forEach((r, i) => {
    const all = r.mention?.indexOf('all') ?? -1
    const deaf = all < 0 ? [] : r.notify.filter((n) => config.targets[n] && platformOf(config.targets[n].type).noMentionAll)
    for (const n of deaf) {
      const p = platformOf(config.targets[n].type)
      out.push({ path: ['rules', i, 'mention', all], message: `"all" mentions no one on ${n} (${p.label}): ${p.noMentionAll}` })
    }
    if (r.match?.tag !== undefined && r.match.branch !== undefined) {
      out.push({ path: ['rules', i, 'match'], message: `"${r.name}" can never match: it asks for a branch and a tag, and an event has one or the other (a tag pipeline has no branch); write two rules` })
    }
  })
  out.push(...reachProblems(rules, config))
  if (config.people_match.names) sharedNames(config.people, out)
  return out
}

/** Allowed (two 张伟 are common), but with names matched, worth knowing: their display name finds neither. */
function sharedNames(people: RulesFile['people'], out: Problem[]): void {
  const first = new Map<string, number>()
  people.forEach((p, i) => {
    const j = first.get(p.name)
    if (j === undefined) first.set(p.name, i)
    else out.push({ path: ['people', i, 'name'], message: `"${p.name}" is also people[${j}]'s name: with people_match.names, a display name "${p.name}" finds neither of them (their usernames still do)` })
  })
}
