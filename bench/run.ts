import { writeFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { delivery, type DeliveryResult } from './delivery.js'
import { digestAtScale, type DigestResult } from './digest.js'
import { ingest, type IngestResult } from './ingest.js'
import { plans } from './plan.js'
import { report } from './report.js'
import { rulesAtScale, type RulesResult } from './rules.js'
import { sustained, type SustainedResult } from './sustained.js'
import { SOURCES } from './payloads.js'

/**
 * `npm run bench [-- --quick] [-- --only=ingest,sustained,delivery,digest,rules]`: runs the benchmarks of issue 7, prints
 * the tables and writes everything (every run, not only the medians) to bench/results.json.
 */
const argv = process.argv.slice(2)
const plan = plans[argv.includes('--quick') ? 'quick' : 'full']
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',')
const wanted = (name: string) => !only || only.includes(name)
const log = (line: string) => process.stderr.write(line + '\n')

export type Results = {
  mode: string
  startedAt: string
  finishedAt?: string
  machine: { cpus: number; cpu: string; memGb: number; node: string; kernel: string; loadAvgStart: number[]; loadAvgEnd?: number[] }
  ingest: IngestResult[]
  sustained?: SustainedResult
  delivery: DeliveryResult[]
  digest: DigestResult[]
  rules: RulesResult[]
  errors: { section: string; error: string }[]
}

const results: Results = {
  mode: plan.mode,
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    loadAvgStart: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  ingest: [],
  delivery: [],
  digest: [],
  rules: [],
  errors: [],
}

/** A section that fails is reported (and fails the run) without hiding the others' figures. */
async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (!wanted(name)) return
  log(`== ${name}`)
  try {
    await fn()
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err)
    log(`!! ${name} failed: ${error}`)
    results.errors.push({ section: name, error })
  }
}

const started = Date.now()
await section('rules', async () => {
  for (const n of plan.rules.counts) results.rules.push(rulesAtScale(n, plan.rules))
  results.rules.push(rulesAtScale(1000, { ...plan.rules, shape: 'patterns' }))
})
await section('delivery', async () => {
  for (const robots of plan.delivery.robots) results.delivery.push(await delivery({ ...plan.delivery, robots, log }))
})
await section('digest', async () => {
  for (const platform of ['dingtalk', 'wecom'] as const) for (const n of plan.digest.events) results.digest.push(digestAtScale(platform, n, plan.digest))
})
await section('ingest', async () => {
  for (const source of SOURCES) results.ingest.push(await ingest(source, { ...plan.ingest, variants: plan.ingest.variants && source === 'gitlab', log }))
})
await section('sustained', async () => {
  results.sustained = await sustained({ ...plan.sustained, log })
})
results.finishedAt = new Date().toISOString()
results.machine.loadAvgEnd = loadavg().map((x) => Math.round(x * 100) / 100)

const out = join(process.cwd(), 'bench/results.json')
writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
process.stdout.write(report(results) + `\n\n(${((Date.now() - started) / 1000).toFixed(0)} s; all runs in ${out})\n`)
process.exitCode = results.errors.length ? 1 : 0
