import type { Results } from './run.js'
import { fmt, table } from './table.js'

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`
const check = (ok: boolean) => (ok ? 'yes' : 'NO')
const fmtOr = (x: number | undefined) => (x === undefined ? '?' : fmt(x))

/**
 * The tables `npm run bench` prints (and docs/operating.md quotes under Performance), each with the issue's target
 * beside the figure.
 */
export function report(r: Results): string {
  const m = r.machine
  const out: string[] = [
    `ci-notify benchmarks (${r.mode}) ${r.startedAt}`,
    `machine: ${m.cpus} × ${m.cpu}, ${m.memGb} GB, Node ${m.node}, Linux ${m.kernel}; load average at start ${m.loadAvgStart.join(' ')}, at end ${m.loadAvgEnd?.join(' ') ?? '?'}`,
  ]

  if (r.ingest.length) {
    const rate = r.ingest[0].rate
    const rows: (string | number)[][] = []
    const label: Record<string, string> = { ours: 'ours (robots)', bare: 'bare', 'bare-durable': 'durable baseline', 'ours-dry': 'ours, dry run', 'ours-tmpfs': 'ours, store on tmpfs' }
    for (const i of r.ingest) {
      let first = true
      for (const [name, side] of Object.entries(i.sides)) {
        if (!side) continue
        const m = side.median
        const f = side.fixed
        rows.push([first ? i.source : '', first ? kb(i.payloadBytes) : '', label[name] ?? name, m.reqPerSec, m.p50, m.p99, m.max, side.peakRssMb, m.cpuUs?.main ?? '', f?.reqPerSec ?? '', f?.p50 ?? '', f?.p99 ?? '', f?.max ?? '', f?.cpuUs?.main ?? ''])
        first = false
      }
      rows.push(['', '', 'ours / bare req/s', i.ratio], ['', '', 'ours / durable req/s', i.ratioToDurable], ['', '', 'durable / bare req/s', i.durableRatio])
    }
    const notes = r.ingest.flatMap((i) => Object.entries(i.sides).flatMap(([n, s]) => (s?.notes ?? []).map((x) => `${i.source} ${n}: ${x}`)))
    out.push(
      '',
      `1. Ingest: max throughput (${r.ingest[0].byConnections?.[0]?.connections ?? 10} connections) and a fixed ${rate} req/s; per-metric median of ${r.ingest[0].sides.ours?.runs.length} alternating rounds; latencies in ms`,
      table(['source', 'payload', 'server', 'req/s', 'p50', 'p99', 'max', 'peak RSS MB', 'main-thread CPU µs/req', `@${rate}/s got`, `p50`, `p99`, `max`, 'main-thread CPU µs/req'], rows),
      `(@${rate}/s: paced open-loop, one request every ${1000 / rate} ms, latency counted from when each was due; "got" is the rate answered)`,
      `ours @${rate}/s, each round's p99 in ms` +
        (r.ingest.some((i) => i.sides.ours?.fixedRuns?.some((x) => x.ioPressureMs !== undefined)) ? ` (the machine's I/O pressure during the round in ms, ours' own fsyncs included)` : '') +
        `: ${r.ingest.map((i) => `${i.source} ${(i.sides.ours?.fixedRuns ?? []).map((x) => `${x.p99}${x.ioPressureMs !== undefined ? ` (${x.ioPressureMs})` : ''}`).join(', ')}`).join('; ')}`,
      `(ours (robots): the example rules with every robot configured, behind fake robot APIs that enforce their rate limits; ours, dry run: no robot, every message rendered and logged; ` +
        `durable baseline: the bare app that also commits each raw body to SQLite and waits for its fsync before the 202, as ours does, and nothing else)`,
      `page cache dirtied in files per request at max throughput, KiB (write_bytes, in 4 KiB pages: store, WAL, checkpoints, log): ${r.ingest
        .map((i) => `${i.source} ${(['bare-durable', 'ours'] as const).map((n) => `${label[n]} ${fmtOr(i.sides[n]?.median.dirtiedKibPerReq)}`).join(', ')}`)
        .join('; ')}`,
      `ours answered 202 (stored) to ${r.ingest.map((i) => `${i.source} ${(i.ours202 * 100).toFixed(1)}%`).join(', ')} of requests${notes.length ? `; ${notes.join('; ')}` : ''}`,
      '',
      'ours / durable floor at max throughput by connections (per-metric median of the rounds; CPU: main thread, µs/req)',
      table(
        ['source', 'connections', 'ours req/s', 'ours CPU', 'durable req/s', 'durable CPU', 'ours / durable'],
        r.ingest.flatMap((i) => (i.byConnections ?? []).map((c) => [i.source, c.connections, c.ours.reqPerSec, c.ours.cpuUs?.main ?? '', c.durable.reqPerSec, c.durable.cpuUs?.main ?? '', c.ratioToDurable])),
      ),
      `targets: ours / durable ≥ 0.8 → ${r.ingest.flatMap((i) => (i.byConnections ?? []).map((c) => `${i.source}@${c.connections} ${check(c.ratioToDurable >= 0.8)}`)).join(', ')}; ` +
        `p99 < 10 ms at ${rate}/s → ${r.ingest.map((i) => `${i.source} ${check((i.sides.ours?.fixed?.p99 ?? Infinity) < 10)}`).join(', ')}; ` +
        `RSS < 150 MB → ${r.ingest.map((i) => `${i.source} ${check((i.sides.ours?.peakRssMb ?? Infinity) < 150)}`).join(', ')} ` +
        `(dry run: p99 → ${r.ingest.map((i) => `${i.source} ${check((i.sides['ours-dry']?.fixed?.p99 ?? Infinity) < 10)}`).join(', ')}; ` +
        `RSS → ${r.ingest.map((i) => `${i.source} ${check((i.sides['ours-dry']?.peakRssMb ?? Infinity) < 150)}`).join(', ')})`,
    )
  }

  const s = r.sustained
  if (s) {
    out.push(
      '',
      `2. Sustained: ${s.rate} req/s for ${s.seconds} s (GitLab pipeline), sampled every ${s.samples[1] ? s.samples[1].atS - s.samples[0].atS : '?'} s`,
      table(['t (s)', 'answers in window', 'p50', 'p99', 'max', 'RSS MB', 'store MB', 'I/O pressure ms'], s.samples.map((x) => [x.atS, x.requests, x.p50, x.p99, x.max, x.rssMb, x.storeMb, x.ioPressureMs ?? ''])),
      `whole run: ${s.overall.total} requests (${fmt(s.overall.reqPerSec)} req/s of the ${s.rate} offered), ${s.events} stored, p50 ${s.overall.p50} p99 ${s.overall.p99} max ${s.overall.max} ms; ` +
        `peak RSS ${fmt(s.peakRssMb)} MB, RSS growth first→last sample ${fmt(s.rssGrowthMb)} MB; store ${fmt(s.storeBytesPer10k / 2 ** 20)} MB per 10 000 events` +
        (s.prune ? `; prune() of everything stored: ${s.prune.events} events and ${s.prune.deliveries} deliveries deleted (events still waiting for a robot are kept), ${s.prune.ms} ms in batches, the event loop blocked ${s.prune.longestBlockMs} ms at most` : ''),
    )
  }

  if (r.delivery.length) {
    out.push(
      '',
      '3. Delivery under the robot limit (fake DingTalk robot: 20/min, 10-minute block)',
      table(
        ['robots', 'events', 'clock', 'messages', 'digests', 'events covered', 'rate-limit errors', 'last delivered after (s)'],
        r.delivery.map((d) => [d.robots, d.events, d.clock, d.messages, d.digests, `${d.covered}/${d.events}`, d.rateLimitErrors, d.lastDeliveredAfterS ?? 'not all']),
      ),
      `targets: every event covered → ${r.delivery.map((d) => check(d.covered === d.events)).join(', ')}; 0 rate-limit errors → ${r.delivery.map((d) => check(d.rateLimitErrors === 0)).join(', ')}`,
    )
  }

  if (r.digest.length) {
    out.push(
      '',
      '3b. Digests: one digest of N waiting failed-pipeline events, rendered as the worker does (median of the timed runs)',
      table(
        ['platform', 'events', 'messages', 'ms per digest', 'longest piece (ms)'],
        r.digest.map((d) => [d.platform, d.events, d.messages, d.msPerDigest, d.longestPieceMs]),
      ),
      '(longest piece: the most time between two of the digest\'s yields; the worker gives the event loop back at a yield once its 4 ms slice is used, for as long as the slice ran or, while other work keeps the loop busy, up to four times that and at most 100 ms)',
    )
  }

  if (r.rules.length) {
    out.push(
      '',
      `4. Rules at scale: route() per event over ${r.rules[0].events} fixture events`,
      table(['rules', 'kind of rules', 'µs/event', 'events matched', 'load (ms)'], r.rules.map((x) => [x.rules, x.shape === 'patterns' ? 'patterns only' : 'team rules', x.usPerEvent, `${(x.matchedShare * 100).toFixed(0)}%`, x.loadMs])),
      `target: < 50 µs/event at 1000 rules → ${r.rules.filter((x) => x.rules === 1000).map((x) => `${x.shape === 'patterns' ? 'patterns only' : 'team rules'} ${check(x.usPerEvent < 50)}`).join(', ')}`,
    )
  }

  for (const e of r.errors) out.push('', `FAILED ${e.section}: ${e.error.split('\n')[0]}`)
  return out.join('\n')
}
