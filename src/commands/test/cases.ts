import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseDocument, stringify } from 'yaml'
import { z } from 'zod'
import { readPayload } from '../../../adapters/from-file.js'
import { toEvent } from '../../../adapters/index.js'
import { adapterNamed, unknownSourceText } from '../../app/source-of.js'
import { isIgnored } from '../../../adapters/common/types.js'
import { STATUSES } from '../../event.js'
import type { CompiledRules } from '../../../rules/compile.js'
import { lineDiff } from './line-diff.js'
import { renderRoute } from '../../app/render-route.js'
import { mentionLine } from '../../../rules/mention-line.js'
import { holdLine } from './report.js'
import { noiseOf } from './noise.js'
import { route } from '../../../rules/route.js'
import type { PipelineState } from '../../routing.js'

/**
 * A cases folder: `NAME.expected.yaml` beside its payload (`NAME.json`, or the file its `payload:` names). The
 * expectation file says how to replay (source, headers, previous status) and, under `expect`, what must come out.
 */
export const CaseFile = z
  .object({
    /** A built-in source or one the rules file defines (checked against the file when the case runs). */
    source: z.string().min(1),
    payload: z.string().optional(),
    headers: z.array(z.string()).default([]),
    previous: z.enum(STATUSES).optional(),
    /** When the webhook arrives (ISO), for rules with time intervals; default NOW. */
    at: z.iso.datetime({ offset: true }).optional(),
    expect: z.unknown().optional(),
  })
  .strict()
export type CaseFile = z.infer<typeof CaseFile>

export const SUFFIX = '.expected.yaml'
// Fixed, so rendered times and ids in the expectations do not change from run to run.
const NOW = new Date('2026-01-01T00:00:00.000Z')

export type CaseResult = { name: string; ok: true; updated?: boolean } | { name: string; ok: false; problem: string }

/** What a case's event produces, in the shape its `expect` block keeps. */
export function outcome(c: CaseFile, dir: string, name: string, rules: CompiledRules): unknown {
  const adapter = adapterNamed(rules, c.source)
  if (!adapter) throw new Error(`source: ${unknownSourceText(c.source, rules)}`)
  const req = readPayload(adapter, join(dir, c.payload ?? `${name}.json`), c.headers)
  const event = toEvent(adapter, req, { id: `case-${name}`, now: c.at ? new Date(c.at) : NOW })
  if (isIgnored(event)) return { ignored: event.ignored }
  const prev: PipelineState | undefined = c.previous && { status: c.previous, event_id: 'previous' }
  const { routing } = route(event, rules, prev)
  return {
    transition: routing.transition,
    matched: routing.matched,
    unresolved: routing.unresolved,
    targets: routing.targets.map((t) => ({
      target: t.target,
      rules: t.rules,
      all: t.all,
      mentions: t.mentions.map((m) => mentionLine(m, event.source)),
      ...(t.hold && { hold: holdLine(t.hold) }),
      ...noiseOf(t, rules),
      messages: renderRoute(event, rules, t, routing.transition),
    })),
  }
}

/** Replays every case in `dir`; with `update`, rewrites each `expect` block (comments elsewhere are kept). */
export function runCases(dir: string, rules: CompiledRules, o: { update?: boolean } = {}): CaseResult[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => basename(f, SUFFIX))
    .sort()
  if (names.length === 0) return [{ name: dir, ok: false, problem: `no *${SUFFIX} files in ${dir}` }]
  return names.map((name) => runCase(dir, name, rules, o))
}

function runCase(dir: string, name: string, rules: CompiledRules, o: { update?: boolean }): CaseResult {
  const file = join(dir, name + SUFFIX)
  const doc = parseDocument(readFileSync(file, 'utf8'))
  if (doc.errors.length) return { name, ok: false, problem: `${file}: ${doc.errors[0].message.split('\n')[0]}` }
  const parsed = CaseFile.safeParse(doc.toJS())
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    return { name, ok: false, problem: `${file}: ${i.path.join('.') || 'file'}: ${i.message}` }
  }
  if (!adapterNamed(rules, parsed.data.source)) return { name, ok: false, problem: `${file}: source: ${unknownSourceText(parsed.data.source, rules)}` }
  const payload = join(dir, parsed.data.payload ?? `${name}.json`)
  if (!existsSync(payload)) return { name, ok: false, problem: `${file}: payload ${payload} not found` }
  let actual: unknown
  try {
    actual = outcome(parsed.data, dir, name, rules)
  } catch (err) {
    return { name, ok: false, problem: `${payload}: ${(err as Error).message}` }
  }
  const want = stringify(parsed.data.expect ?? null, { lineWidth: 0 })
  const got = stringify(actual, { lineWidth: 0 })
  if (want === got) return { name, ok: true }
  if (o.update) {
    doc.set('expect', doc.createNode(actual))
    writeFileSync(file, doc.toString({ lineWidth: 0 }))
    return { name, ok: true, updated: true }
  }
  return { name, ok: false, problem: `expected (-) and actual (+) differ:\n${lineDiff(want, got)}` }
}
