// The subset of autocannon's programmatic API the benchmarks use (README "API", autocannon 8).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export type Histogram = {
    min: number; max: number; average: number; stddev: number
    p2_5: number; p50: number; p75: number; p90: number; p97_5: number; p99: number; p99_9: number
  }
  export type Result = {
    requests: Histogram & { total: number; sent: number }
    latency: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    statusCodeStats: Record<string, { count: number }>
  }
  export type RawRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }
  export type Options = {
    url: string
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string | Buffer
    requests?: Array<RawRequest & { setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest }>
  }
  export type Instance = EventEmitter & PromiseLike<Result> & { stop(): void }
  function autocannon(opts: Options): Instance
  export default autocannon
}
