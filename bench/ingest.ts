import { readIoPressureMs } from './child.js'
import { medianRun, runLoad, type Run } from './load.js'
import { runPaced } from './paced.js'
import { loads, type Source } from './payloads.js'
import { startBare, startBareDurable, startOurs, startOursDryRun, startOursTmpfs, type Server } from './servers.js'

export type IngestOptions = {
  rounds: number
  /** Seconds per max-throughput run. */
  seconds: number
  /** Seconds per fixed-rate run. */
  rateSeconds: number
  rate: number
  warmupSeconds: number
  /** Connections of autocannon's closed loop: every server at the first count; ours and the durable floor at the others. */
  connections: number[]
  /** Also measure the diagnostic variant (the store on tmpfs); the full run does it for GitLab. */
  variants: boolean
  log: (line: string) => void
}

export type Variant = 'ours' | 'bare' | 'bare-durable' | 'ours-dry' | 'ours-tmpfs'
export type Side = { median: Run; runs: Run[]; peakRssMb: number; fixed?: Run; fixedRuns?: Run[]; notes?: string[] }
export type IngestResult = {
  source: Source
  fixture: string
  payloadBytes: number
  rate: number
  sides: Partial<Record<Variant, Side>>
  /** req/s ours ÷ bare (medians). */
  ratio: number
  /** req/s ours ÷ the durable baseline, and the durable baseline ÷ bare (medians): how much of the gap is durability. */
  ratioToDurable: number
  durableRatio: number
  /** Share of ours' answers that were 202 (accepted and stored): anything else means the figures are not ingest. */
  ours202: number
  /** Max throughput of ours and the durable floor at each connection count (the first is the table's). */
  byConnections: ConnectionsResult[]
}

export type ConnectionsResult = { connections: number; ours: Run; durable: Run; oursRuns: Run[]; durableRuns: Run[]; ratioToDurable: number }

const starters: Record<Variant, () => Promise<Server>> = {
  ours: () => startOurs(),
  bare: startBare,
  'bare-durable': startBareDurable,
  'ours-dry': startOursDryRun,
  'ours-tmpfs': startOursTmpfs,
}
/** The benchmark proper; a run without any of them fails. The others are for comparison and may be left out. */
const required: Variant[] = ['ours', 'bare', 'bare-durable']

/**
 * Ours and the two baselines (bare: parse and answer; durable: also commit the body to disk first), each in its own
 * process, measured in alternating rounds (the order turns every round) so a neighbour's burst on the shared machine
 * hits all alike. Per-metric medians over the rounds. Max throughput is autocannon's (10 connections, closed loop);
 * the fixed rate is paced open-loop (bench/paced.ts), for all but the tmpfs variant.
 */
export async function ingest(source: Source, o: IngestOptions): Promise<IngestResult> {
  const load = loads[source]()
  const wanted: Variant[] = o.variants ? ['bare', 'bare-durable', 'ours', 'ours-dry', 'ours-tmpfs'] : ['bare', 'bare-durable', 'ours', 'ours-dry']
  const servers = new Map<Variant, Server>()
  const moreOurs: Run[] = []
  try {
    for (const n of wanted) {
      try {
        servers.set(n, await starters[n]())
      } catch (err) {
        // A diagnostic variant that cannot run here is reported and left out.
        if (required.includes(n)) throw err
        o.log(`  ${source}: variant ${n} left out: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    const names = [...servers.keys()]
    const [connections, ...more] = o.connections
    for (const s of servers.values()) await runLoad(s.url, load, { seconds: o.warmupSeconds, connections })
    const runs = new Map<Variant, Run[]>(names.map((n) => [n, []]))
    const paced: Variant[] = (['bare', 'bare-durable', 'ours', 'ours-dry'] as const).filter((n) => servers.has(n))
    const fixed = new Map<Variant, Run[]>(paced.map((n) => [n, []]))
    const order = (i: number, xs: Variant[]) => xs.map((_, k) => xs[(k + i) % xs.length])
    for (let i = 0; i < o.rounds; i++) {
      for (const n of order(i, names)) {
        const server = servers.get(n)!
        const r = await alone(servers, n, () => measured(server, () => runLoad(server.url, load, { seconds: o.seconds, connections })))
        runs.get(n)!.push(r)
        o.log(`  ${source} ${n} round ${i + 1}: ${r.reqPerSec.toFixed(0)} req/s p50 ${r.p50} p99 ${r.p99} ms ${fmtCpu(r)} ${fmtStatus(r)}`)
      }
    }
    for (let i = 0; i < o.rounds; i++) {
      for (const n of order(i, paced)) {
        const server = servers.get(n)!
        const r = await alone(servers, n, () => measured(server, () => runPaced(server.url, load, { seconds: o.rateSeconds, rate: o.rate })))
        fixed.get(n)!.push(r)
        o.log(`  ${source} ${n} @${o.rate}/s round ${i + 1}: got ${r.reqPerSec.toFixed(0)}/s p50 ${r.p50} p99 ${r.p99} max ${r.max} ms ${fmtCpu(r)} ${fmtStatus(r)}`)
      }
    }
    // The other connection counts: ours and the floor only (the ratio the target is set on), alternating likewise.
    const byConnections: ConnectionsResult[] = [connectionsResult(connections, runs.get('ours')!, runs.get('bare-durable')!)]
    for (const c of more) {
      const pair = new Map<Variant, Run[]>([['bare-durable', []], ['ours', []]])
      for (let i = 0; i < o.rounds; i++) {
        for (const n of order(i, [...pair.keys()])) {
          const server = servers.get(n)!
          const r = await alone(servers, n, () => measured(server, () => runLoad(server.url, load, { seconds: o.seconds, connections: c })))
          pair.get(n)!.push(r)
          o.log(`  ${source} ${n} ${c} connections round ${i + 1}: ${r.reqPerSec.toFixed(0)} req/s p50 ${r.p50} p99 ${r.p99} ms ${fmtCpu(r)} ${fmtStatus(r)}`)
        }
      }
      byConnections.push(connectionsResult(c, pair.get('ours')!, pair.get('bare-durable')!))
      moreOurs.push(...pair.get('ours')!)
    }
    const sides: Partial<Record<Variant, Side>> = {}
    for (const n of names) {
      const f = fixed.get(n)
      const s = servers.get(n)!
      sides[n] = { median: medianRun(runs.get(n)!), runs: runs.get(n)!, peakRssMb: round(s.rss().peakMb), ...(f && { fixed: medianRun(f), fixedRuns: f }), ...(s.notes && { notes: s.notes() }) }
    }
    const ours = [...runs.get('ours')!, ...fixed.get('ours')!, ...moreOurs]
    const total = ours.reduce((a, r) => a + r.total, 0)
    return {
      source,
      fixture: load.fixture,
      payloadBytes: load.body.length,
      rate: o.rate,
      sides,
      ratio: sides.ours!.median.reqPerSec / sides.bare!.median.reqPerSec,
      ratioToDurable: sides.ours!.median.reqPerSec / sides['bare-durable']!.median.reqPerSec,
      durableRatio: sides['bare-durable']!.median.reqPerSec / sides.bare!.median.reqPerSec,
      ours202: total ? ours.reduce((a, r) => a + (r.status['202'] ?? 0), 0) / total : 0,
      byConnections,
    }
  } finally {
    const closed = await Promise.allSettled([...servers.values()].map((s) => s.close()))
    for (const c of closed) if (c.status === 'rejected') o.log(`  could not stop a server: ${String(c.reason)}`)
  }
}

function connectionsResult(connections: number, ours: Run[], durable: Run[]): ConnectionsResult {
  const o = medianRun(ours)
  const d = medianRun(durable)
  return { connections, ours: o, durable: d, oursRuns: ours, durableRuns: durable, ratioToDurable: o.reqPerSec / d.reqPerSec }
}

/**
 * A run with the other servers paused (SIGSTOP, then SIGCONT): each one keeps working on the backlog its earlier runs
 * left (a dry run renders and logs every delivery), and on 2 cores that work would be measured as the next server's
 * latency.
 */
async function alone<T>(servers: Map<Variant, Server>, n: Variant, run: () => Promise<T>): Promise<T> {
  const others = [...servers].filter(([k]) => k !== n).map(([, s]) => s)
  for (const s of others) process.kill(s.pid, 'SIGSTOP')
  try {
    return await run()
  } finally {
    for (const s of others) process.kill(s.pid, 'SIGCONT')
  }
}

/**
 * A run with the server's CPU per answered request (a figure the machine's neighbours disturb less than latency), what
 * it dirtied in files per request, and the machine's I/O pressure meanwhile (bench/child.ts).
 */
async function measured(server: Server, run: () => Promise<Run>): Promise<Run> {
  const before = server.cpu()
  const pressureBefore = readIoPressureMs()
  const dirtiedBefore = server.dirtied()
  const r = await run()
  const after = server.cpu()
  const pressureAfter = readIoPressureMs()
  const dirtied = server.dirtied() - dirtiedBefore
  const n = Math.max(1, r.total)
  return {
    ...r,
    cpuUs: { main: Math.round((after.mainUs - before.mainUs) / n), all: Math.round((after.allUs - before.allUs) / n) },
    ...(Number.isFinite(dirtied) && { dirtiedKibPerReq: Math.round((dirtied / n / 1024) * 10) / 10 }),
    ...(pressureBefore !== undefined && pressureAfter !== undefined && { ioPressureMs: Math.round(pressureAfter - pressureBefore) }),
  }
}

const fmtCpu = (r: Run) =>
  (r.cpuUs ? `cpu ${r.cpuUs.main}/${r.cpuUs.all} µs/req (main/all)` : '') +
  (r.dirtiedKibPerReq !== undefined ? ` dirtied ${r.dirtiedKibPerReq} KiB/req` : '') +
  (r.ioPressureMs !== undefined ? ` I/O pressure ${r.ioPressureMs} ms` : '')

export function fmtStatus(r: Run): string {
  const codes = Object.entries(r.status).map(([k, v]) => `${k}×${v}`).join(' ')
  return `[${codes}${r.errors ? ` errors×${r.errors}` : ''}]`
}

const round = (x: number) => Math.round(x * 10) / 10
