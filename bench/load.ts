import autocannon from 'autocannon'
import type { Load } from './payloads.js'

/** One load run, boiled down. Latencies in ms (autocannon's histogram has 1 ms resolution; paced runs are exact). */
export type Run = {
  reqPerSec: number
  p50: number
  p99: number
  max: number
  total: number
  /** Answers by status code; ours must answer 202 to (nearly) all of them for the run to mean anything. */
  status: Record<string, number>
  errors: number
  /** The server's CPU per answered request, in µs: its main thread, and all its threads (set by the caller). */
  cpuUs?: { main: number; all: number }
  /** The machine's I/O pressure during the run, ms (bench/child.ts readIoPressureMs; set by the caller). */
  ioPressureMs?: number
  /** Page cache the server dirtied in files per answered request, KiB (bench/child.ts readDirtiedBytes; set by the caller). */
  dirtiedKibPerReq?: number
}

/** Closed loop: each connection sends its next request when the last one is answered (max throughput). A fixed
 * rate is bench/paced.ts. */
export type RunOptions = { seconds: number; connections?: number }

export async function runLoad(url: string, load: Load, o: RunOptions): Promise<Run> {
  const instance = autocannon({
    url: url + load.path,
    connections: o.connections ?? 10,
    duration: o.seconds,
    timeout: 10,
    method: 'POST',
    headers: load.headers,
    requests: [{ method: 'POST', path: load.path, headers: load.headers, body: load.body, setupRequest: load.setupRequest }],
  })
  const r = await instance
  const status = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, Number(v.count)]))
  const total = Object.values(status).reduce((a, b) => a + b, 0)
  return {
    reqPerSec: total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    total,
    status,
    errors: r.errors,
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Per-metric median over several runs (each figure is the median of its own column). */
export function medianRun(runs: Run[]): Run {
  const status: Record<string, number> = {}
  for (const r of runs) for (const [k, v] of Object.entries(r.status)) status[k] = (status[k] ?? 0) + v
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: median(runs.map((r) => r.max)),
    total: runs.reduce((a, r) => a + r.total, 0),
    status,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    ...(runs.every((r) => r.cpuUs) && { cpuUs: { main: median(runs.map((r) => r.cpuUs!.main)), all: median(runs.map((r) => r.cpuUs!.all)) } }),
    ...(runs.every((r) => r.dirtiedKibPerReq !== undefined) && { dirtiedKibPerReq: median(runs.map((r) => r.dirtiedKibPerReq!)) }),
  }
}
