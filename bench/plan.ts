/** How long each benchmark runs: the full run fits in 15 minutes on 2 cores, --quick in under 2. */
export type Plan = {
  mode: 'full' | 'quick'
  ingest: { rounds: number; seconds: number; rateSeconds: number; rate: number; warmupSeconds: number; connections: number[]; variants: boolean }
  sustained: { seconds: number; rate: number; sampleSeconds: number }
  delivery: { events: number; windowMs: number; robots: number[] }
  digest: { events: number[]; runs: number }
  rules: { counts: number[]; minMs: number }
}

export const plans: Record<Plan['mode'], Plan> = {
  // ~4 min ingest (3 sources × 3 rounds, ours, ours in dry run and both baselines at max and fixed rate; GitLab also
  // the tmpfs-store variant at max), 10 min sustained, well under a minute for the rest. 3 s at max throughput (4 before
  // the durable baseline came) keeps the whole under 15 minutes.
  full: {
    mode: 'full',
    ingest: { rounds: 3, seconds: 3, rateSeconds: 3, rate: 1000, warmupSeconds: 1, connections: [10, 32], variants: true },
    sustained: { seconds: 600, rate: 500, sampleSeconds: 10 },
    delivery: { events: 1000, windowMs: 60_000, robots: [1, 10] },
    digest: { events: [20, 100, 500], runs: 15 },
    rules: { counts: [1, 100, 1000], minMs: 1000 },
  },
  quick: {
    mode: 'quick',
    ingest: { rounds: 2, seconds: 1, rateSeconds: 1, rate: 1000, warmupSeconds: 1, connections: [10, 32], variants: false },
    sustained: { seconds: 30, rate: 500, sampleSeconds: 10 },
    delivery: { events: 1000, windowMs: 60_000, robots: [1, 10] },
    digest: { events: [20, 100, 500], runs: 5 },
    rules: { counts: [1, 100, 1000], minMs: 200 },
  },
}
