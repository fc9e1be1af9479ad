import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { SqliteStore } from '../src/store/sqlite.js'
import { folderBytes, readIoPressureMs } from './child.js'
import type { Run } from './load.js'
import { runPaced } from './paced.js'
import { loads } from './payloads.js'
import { startOurs } from './servers.js'

/** One window of the run; `ioPressureMs`: the machine's I/O pressure in it (bench/child.ts readIoPressureMs). */
export type Sample = { atS: number; requests: number; p50: number; p99: number; max: number; rssMb: number; storeMb: number; ioPressureMs?: number }
export type SustainedResult = {
  rate: number
  seconds: number
  samples: Sample[]
  /** The whole run, paced open-loop: latencies from when each request was due. */
  overall: Run
  peakRssMb: number
  /** RSS at the last sample minus the first: growth over the run. */
  rssGrowthMb: number
  events: number
  /** DATA_DIR after a clean shutdown (WAL checkpointed), scaled to 10 000 events (each with its one delivery row). */
  storeBytesPer10k: number
  /** Retention: store.prune() of every event of the run, as RETENTION_DAYS would do once they are old enough; and
   * the longest the event loop was blocked meanwhile (one batch, and the WAL checkpoint a commit may run). */
  prune?: { events: number; deliveries: number; ms: number; longestBlockMs: number }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

/** A fixed rate for a long time: does latency or memory creep up, and how fast does the store grow? */
export async function sustained(o: { seconds: number; rate: number; sampleSeconds: number; log: (l: string) => void }): Promise<SustainedResult> {
  const load = loads.gitlab()
  const ours = await startOurs()
  const samples: Sample[] = []
  let window: number[] = []
  let inWindow = 0
  const started = Date.now()
  let pressureAt = readIoPressureMs()
  const timer = setInterval(() => {
    const sorted = window.sort((a, b) => a - b)
    const pressure = readIoPressureMs()
    const s: Sample = {
      atS: Math.round((Date.now() - started) / 1000),
      requests: inWindow,
      p50: round(percentile(sorted, 0.5)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.at(-1) ?? 0),
      rssMb: round(ours.rss().rssMb),
      storeMb: round(folderBytes(ours.dataDir) / 2 ** 20),
      ...(pressure !== undefined && pressureAt !== undefined && { ioPressureMs: Math.round(pressure - pressureAt) }),
    }
    pressureAt = pressure
    samples.push(s)
    o.log(`  t=${s.atS}s ${s.requests} req p50 ${s.p50} p99 ${s.p99} max ${s.max} ms rss ${s.rssMb} MB store ${s.storeMb} MB${s.ioPressureMs !== undefined ? ` I/O pressure ${s.ioPressureMs} ms` : ''}`)
    window = []
    inWindow = 0
  }, o.sampleSeconds * 1000)
  try {
    const overall = await runPaced(ours.url, load, {
      seconds: o.seconds,
      rate: o.rate,
      onResponse: (status, ms) => {
        inWindow++
        if (status === 202) window.push(ms)
      },
    })
    clearInterval(timer)
    const peakRssMb = ours.rss().peakMb
    // A clean stop checkpoints the WAL into the database file: the size that stays.
    await ours.stop()
    const events = overall.status['202'] ?? 0
    const bytes = folderBytes(ours.dataDir)
    const prune = await timePrune(join(ours.dataDir, 'ci-notify.db'))
    o.log(`  prune of the whole run: ${JSON.stringify(prune)}`)
    return {
      rate: o.rate,
      seconds: o.seconds,
      samples,
      overall,
      peakRssMb: round(peakRssMb),
      rssGrowthMb: samples.length > 1 ? round(samples.at(-1)!.rssMb - samples[0].rssMb) : 0,
      events,
      storeBytesPer10k: events ? Math.round((bytes / events) * 10_000) : 0,
      prune,
    }
  } finally {
    clearInterval(timer)
    await ours.close()
  }
}

const round = (x: number) => Math.round(x * 10) / 10

/**
 * One prune() of everything stored (cutoff one day ahead), in the store's batches. A probe re-scheduling itself with
 * setImmediate measures the longest gap between two turns of the event loop: how long a webhook could wait.
 */
async function timePrune(file: string): Promise<{ events: number; deliveries: number; ms: number; longestBlockMs: number }> {
  const store = new SqliteStore(file)
  let probing = true
  let last = performance.now()
  let longest = 0
  const probe = () => {
    const t = performance.now()
    longest = Math.max(longest, t - last)
    last = t
    if (probing) setImmediate(probe)
  }
  try {
    const t = performance.now()
    setImmediate(probe)
    const r = await store.prune(0, new Date(Date.now() + 86_400_000))
    probing = false
    longest = Math.max(longest, performance.now() - last)
    return { ...r, ms: Math.round(performance.now() - t), longestBlockMs: round(longest) }
  } finally {
    probing = false
    await store.close()
  }
}
