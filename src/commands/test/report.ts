import { adapters, isSource } from '../../../adapters/index.js'
import type { CommonEvent, Person } from '../../event.js'
import { detailsUrl } from '../../render/content.js'
import type { RobotMessage } from '../../render/types.js'
import type { Verdict } from '../../../rules/explain.js'
import type { Hold, PipelineState, Routing } from '../../routing.js'
import { mentionLine } from '../../../rules/mention-line.js'
import type { NamedTarget } from '../../../rules/compile.js'

/** Text blocks of `ci-notify test`: what a person reviewing a rules change needs to see, nothing more. */

const who = (p: Person | undefined): string => {
  if (!p) return '-'
  const shown = p.name ?? p.username ?? p.email ?? '?'
  const handles = [p.username, p.email].filter((h) => h && h !== shown)
  return `${shown}${handles.length ? ` (${handles.join(', ')})` : ''}`
}

export function eventBrief(e: CommonEvent, prev: PipelineState | undefined, transition: Routing['transition']): string {
  const ref = e.tag !== undefined ? `tag ${e.tag}` : e.branch !== undefined ? `branch ${e.branch}` : e.ref !== undefined ? `ref ${e.ref}` : 'no branch or tag'
  const run = [e.number !== undefined && `#${e.number}`, e.attempt !== undefined && e.attempt > 1 && `attempt ${e.attempt}`].filter(Boolean).join(' ')
  const env = e.environment ?? e.deployment?.environment
  const lines = [
    `event       ${e.source} ${e.kind} ${e.status} (${e.finished ? 'finished' : 'not finished'}), source status "${e.source_status}"`,
    `project     ${e.project.path}, ${ref}${run ? `, ${run}` : ''}${e.name ? `, name "${e.name}"` : ''}${env ? `, environment ${env}` : ''}`,
    `actor       ${who(e.actor)}`,
    `author      ${who(e.commit?.author)}`,
  ]
  if (e.culprits?.length) lines.push(`culprits    ${e.culprits.join(', ')}`)
  const before = prev ? `previous run ${prev.status}` : 'no previous run (try --previous failed|success|unstable)'
  const why = transition === null ? (e.finished ? 'none for this status' : 'none (not finished)') : transition
  lines.push(`transition  ${why}; ${before}`)
  return lines.join('\n')
}

export function verdictLines(verdicts: Verdict[]): string {
  const w = Math.max(4, ...verdicts.map((v) => v.rule.length))
  const line = (v: Verdict) => {
    if (v.result === 'matched') return 'matched'
    if (v.result === 'no') return `no: ${v.reason}`
    return `not reached: "${v.stoppedBy}" matched first and has no continue${v.wouldMatch ? ' (this rule would also match)' : ''}`
  }
  return ['rules', ...verdicts.map((v) => `  ${v.rule.padEnd(w)}  ${line(v)}`)].join('\n')
}

/** What a reviewer should know about one event beyond its routing: ambiguous names, a message without a link. */
export function eventFlags(e: CommonEvent, targets: Routing['targets']): string[] {
  const flags: string[] = []
  const hint = isSource(e.source) ? adapters[e.source].noLinkHint : undefined
  if (!detailsUrl(e)) flags.push(`no link: the event has no URL, so its messages have none${hint ? `; ${hint}` : ''}`)
  const ambiguous = new Map<string, number>()
  for (const m of targets.flatMap((t) => t.mentions)) if (m.unmatched?.reason === 'ambiguous') ambiguous.set(m.name, m.unmatched.count)
  for (const [name, count] of ambiguous) flags.push(`ambiguous: ${count} people named ${name} in people; written by name, without @`)
  return flags
}

export function targetBlock(o: {
  route: Routing['targets'][number]
  target: NamedTarget
  source: CommonEvent['source']
  messages: RobotMessage[] | string
  noise: { grouped?: string; reminder?: string }
}): string {
  const { route: t, target } = o
  const lines = [`  ${t.target} (${target.type}${target.webhook === '' ? ', dry run: no webhook' : ''}) from ${t.rules.join(', ')}`]
  if (t.all) lines.push('    @all')
  for (const m of t.mentions) lines.push(`    @ ${mentionLine(m, o.source)}`)
  if (t.template) lines.push('    template from the first rule')
  if (t.hold) lines.push(`    ${holdLine(t.hold)}`)
  if (!t.hold) lines.push(`    grouped: ${o.noise.grouped ?? 'no, sent on its own'}`)
  if (o.noise.reminder) lines.push(`    reminder: ${o.noise.reminder}`)
  if (typeof o.messages === 'string') lines.push(`    message: ${o.messages}`)
  else o.messages.forEach((m, i) => lines.push(`    message${o.messages.length > 1 ? ` ${i + 1}` : ''}:`, indent(JSON.stringify(m, null, 2), 6)))
  return lines.join('\n')
}

const indent = (s: string, n: number) => s.replace(/^/gm, ' '.repeat(n))

/** `held: muted by night until 2026-12-08T00:00:00.000Z, then one catch-up digest` (the cases folder keeps it too). */
export function holdLine(h: Hold): string {
  const why = h.reason.startsWith('outside ') ? h.reason : `muted by ${h.reason}`
  const then = h.catch_up === 'drop' ? 'dropped: not sent, no catch-up' : 'then one catch-up digest'
  return `${h.catch_up === 'drop' ? 'dropped' : 'held'}: ${why} until ${new Date(h.until).toISOString()}, ${then}`
}
