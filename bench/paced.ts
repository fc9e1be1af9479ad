import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import type { Run } from './load.js'
import type { Load } from './payloads.js'

/**
 * A fixed request rate, paced evenly and open-loop (as wrk2 does): request i is due at start + i / rate whatever the
 * server is doing, and its latency is counted from when it was due, so a stalled server shows in the percentiles
 * instead of silently slowing the client down (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection a budget per second, reset by a 1 s timer, so the
 * whole second's requests leave in a burst at its start, and its omission correction assumes a 1 ms interval. At
 * "1000 req/s" that measures 1000-request bursts, not a steady rate.
 */
export async function runPaced(url: string, load: Load, o: { seconds: number; rate: number; connections?: number; onResponse?: (status: number, ms: number) => void }): Promise<Run> {
  const pool = new Pool(new URL(url).origin, { connections: o.connections ?? 64, headersTimeout: 10_000, bodyTimeout: 10_000 })
  const total = Math.round(o.seconds * o.rate)
  const interval = 1000 / o.rate
  const latencies: number[] = []
  const status: Record<string, number> = {}
  let errors = 0
  let sent = 0
  let lastDone = 0
  const inFlight = new Set<Promise<void>>()
  const start = performance.now()

  const send = (i: number) => {
    const due = start + i * interval
    const req = load.setupRequest({ method: 'POST', path: load.path, headers: { ...load.headers }, body: load.body })
    const p = pool
      .request({ method: 'POST', path: req.path ?? load.path, headers: req.headers, body: req.body })
      .then(async (res) => {
        await res.body.dump()
        const ms = performance.now() - due
        lastDone = performance.now()
        status[res.statusCode] = (status[res.statusCode] ?? 0) + 1
        latencies.push(ms)
        o.onResponse?.(res.statusCode, ms)
      })
      .catch(() => {
        // Counted: a connection error or a timeout is a result of the run, not a failure of the harness.
        errors++
      })
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  }

  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now()
      while (sent < total && start + sent * interval <= now) send(sent++)
      if (sent >= total) {
        clearInterval(timer)
        done()
      }
    }, 1)
  })
  while (inFlight.size) await Promise.all([...inFlight])
  await pool.close()

  const sorted = latencies.sort((a, b) => a - b)
  const at = (p: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]) : 0)
  const answered = Object.values(status).reduce((a, b) => a + b, 0)
  return {
    reqPerSec: answered / ((Math.max(lastDone, start + 1) - start) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: round(sorted.at(-1) ?? 0),
    total: answered,
    status,
    errors,
  }
}

const round = (x: number) => Math.round(x * 10) / 10
