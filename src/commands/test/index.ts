import { parseArgs } from 'node:util'
import { readPayload } from '../../../adapters/from-file.js'
import { SOURCES, toEvent } from '../../../adapters/index.js'
import { adapterNamed, unknownSourceText } from '../../app/source-of.js'
import { isIgnored } from '../../../adapters/common/types.js'
import { runCases } from './cases.js'
import type { CompiledRules } from '../../../rules/compile.js'
import { explain } from '../../../rules/explain.js'
import { loadRulesFile } from '../../../rules/load.js'
import { previewTargets } from '../../app/preview.js'
import { noiseOf } from './noise.js'
import { eventBrief, eventFlags, targetBlock, verdictLines } from './report.js'
import type { PipelineState } from '../../routing.js'
import { ConfigError } from '../../errors.js'
import { Status } from '../../event.js'
import { visibleLines } from '../../terminal.js'

const USAGE = `usage: ci-notify test [FILE] --source ${SOURCES.join('|')}|<id in sources:> PAYLOAD [--header 'K: V']… [--previous STATUS]
       ci-notify test [FILE] --cases DIR [--update]

Shows how the rules file (default: $RULES_FILE, else rules.yaml) routes one recorded webhook: the event in brief,
flags (a message without a link, a name several people share), each rule (matched, or the first condition that
failed), the targets, the mentions and how each resolved, whether a target's delivery would be held in a group
(its key and wait) and whether reminders would follow, and the exact message each target would get. Exit 0.

With --cases, replays every DIR/NAME.expected.yaml beside its payload and exits 1 on any difference; --update
rewrites the expectations instead.

  --previous STATUS   the last finished run of the same pipeline (failed, success, unstable), for transitions
  --at TIME           route as if the webhook arrived then (ISO, e.g. 2026-12-07T23:30:00+08:00): shows per target
                      whether time intervals hold it, until when (default: now)
  --allow-unset       take unset \${VAR} in the rules file as empty
`

type Args = ReturnType<typeof parse>

export async function run(argv: string[]): Promise<number> {
  let args: Args
  try {
    args = parse(argv)
  } catch (err) {
    return usageError((err as Error).message)
  }
  const v = args.values
  if (v.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const pos = args.positionals
  const cases = v.cases !== undefined
  if (cases ? pos.length > 1 : pos.length < 1 || pos.length > 2) return usageError(cases ? 'too many arguments' : 'which payload? give PAYLOAD')
  if (!cases && !v.source) return usageError('--source is required with a payload')
  if (v.previous && !Status.safeParse(v.previous).success) return usageError(`--previous must be one of ${Status.options.join(', ')}`)
  const at = v.at === undefined ? new Date() : new Date(/^\d{4}-\d\d-\d\dT/.test(v.at) ? v.at : NaN)
  if (Number.isNaN(at.getTime())) return usageError(`--at must be an ISO time with a zone, e.g. 2026-12-07T23:30:00+08:00; got "${v.at}"`)
  const file = (cases || pos.length === 2 ? pos[0] : undefined) ?? process.env.RULES_FILE ?? 'rules.yaml'

  let rules: CompiledRules
  try {
    rules = loadRulesFile(file, process.env, { allowUnset: v['allow-unset'] })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    return 1
  }
  // A source the rules file defines is as good as a built-in one.
  if (v.source && !adapterNamed(rules, v.source)) return usageError(`--source: ${unknownSourceText(v.source, rules)}`)
  return cases ? replay(v.cases!, rules, !!v.update) : single(rules, { ...v, at, payload: pos.at(-1)! })
}

function single(rules: CompiledRules, o: { source?: string; payload: string; header?: string[]; previous?: string; at: Date }): number {
  const adapter = o.source === undefined ? undefined : adapterNamed(rules, o.source)
  if (!adapter) throw new TypeError('run() checked --source')
  let event
  try {
    event = toEvent(adapter, readPayload(adapter, o.payload, o.header ?? []), { id: 'test', now: o.at })
  } catch (err) {
    process.stderr.write(`ci-notify test: ${o.payload}: ${(err as Error).message}\n`)
    return 1
  }
  if (isIgnored(event)) {
    process.stdout.write(visibleLines(`ignored: ${event.ignored}`) + '\n')
    return 0
  }
  const prev: PipelineState | undefined = o.previous ? { status: Status.parse(o.previous), event_id: 'previous' } : undefined
  const { decision, verdicts } = explain(event, rules, prev)
  const { routing } = decision
  const flags = eventFlags(event, routing.targets)
  const out = [eventBrief(event, prev, routing.transition), ...(flags.length ? ['', 'flags', ...flags.map((f) => `  ! ${f}`)] : []), '', verdictLines(verdicts), '', 'targets']
  if (routing.targets.length === 0) out.push('  (none: nobody is notified)')
  for (const p of previewTargets(event, rules, routing.targets, routing.transition)) {
    out.push(targetBlock({ route: p.route, target: rules.targets[p.route.target], source: event.source, messages: p.error ?? p.bodies, noise: noiseOf(p.route, rules) }))
  }
  if (routing.unresolved.length) out.push('', `unresolved  ${routing.unresolved.join(', ')} (not found in people by a trusted means: written by name, without @)`)
  // Every line may hold CI text (a project path, a commit title): shown, never acted on by the terminal.
  process.stdout.write(`${visibleLines(out.join('\n'))}\n`)
  return 0
}

function replay(dir: string, rules: CompiledRules, update: boolean): number {
  const results = runCases(dir, rules, { update })
  for (const r of results) {
    if (r.ok) process.stdout.write(`${r.updated ? 'updated' : 'ok'}  ${r.name}\n`)
    else process.stdout.write(`FAIL  ${r.name}\n${visibleLines(r.problem).replace(/^/gm, '      ')}\n`)
  }
  const failed = results.filter((r) => !r.ok).length
  const updated = results.filter((r) => r.ok && r.updated).length
  process.stdout.write(`${results.length} cases: ${results.length - failed} ok${updated ? ` (${updated} updated)` : ''}, ${failed} failed\n`)
  return failed > 0 ? 1 : 0
}

function usageError(message: string): number {
  process.stderr.write(`ci-notify test: ${message}\n\n${USAGE}`)
  return 2
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      header: { type: 'string', multiple: true },
      previous: { type: 'string' },
      at: { type: 'string' },
      cases: { type: 'string' },
      update: { type: 'boolean' },
      'allow-unset': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
