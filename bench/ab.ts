import { runLoad } from './load.js'
import { loads, SOURCES, type Source } from './payloads.js'
import { startBareDurable, startOurs, type Server } from './servers.js'

/**
 * Two builds of ours and the durable floor, alternating round by round, the others paused meanwhile, at max
 * throughput: `npx tsc -p bench/tsconfig.json && node dist/bench/ab.js --base=<other checkout>/dist/src/cli.js
 * [--sources=gitlab,github,jenkins] [--connections=10,32] [--rounds=5] [--seconds=2]`. Prints each round and the
 * median main-thread CPU per request and req/s of each; for a before/after on a shared machine, where only figures
 * taken side by side compare.
 */
const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt
const base = arg('base', '')
const sources = arg('sources', 'gitlab').split(',') as Source[]
for (const s of sources) if (!SOURCES.includes(s)) throw new Error(`--sources: among ${SOURCES.join(', ')}`)
const connections = arg('connections', '10').split(',').map(Number)
const rounds = Number(arg('rounds', '5'))
const seconds = Number(arg('seconds', '2'))

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
for (const source of sources) {
  const load = loads[source]()
  const servers: [string, Server][] = [
    ['durable', await startBareDurable()],
    ['ours', await startOurs()],
    ...(base ? [['base', await startOurs({ cli: base })] as [string, Server]] : []),
  ]
  try {
    for (const c of connections) {
      const figures = new Map<string, { cpu: number[]; rps: number[] }>(servers.map(([n]) => [n, { cpu: [], rps: [] }]))
      for (const [, s] of servers) await runLoad(s.url, load, { seconds: 1, connections: c })
      for (let i = 0; i < rounds; i++) {
        for (let k = 0; k < servers.length; k++) {
          const [name, s] = servers[(k + i) % servers.length]
          for (const [, o] of servers) if (o !== s) process.kill(o.pid, 'SIGSTOP')
          const before = s.cpu().mainUs
          const r = await runLoad(s.url, load, { seconds, connections: c }).finally(() => {
            for (const [, o] of servers) if (o !== s) process.kill(o.pid, 'SIGCONT')
          })
          const cpu = (s.cpu().mainUs - before) / Math.max(1, r.total)
          figures.get(name)!.cpu.push(cpu)
          figures.get(name)!.rps.push(r.reqPerSec)
        }
      }
      const d = figures.get('durable')!
      for (const [name, f] of figures) {
        process.stdout.write(
          `${source} @${c} ${name.padEnd(8)} ${median(f.rps).toFixed(0).padStart(6)} req/s ${median(f.cpu).toFixed(0).padStart(5)} µs/req main thread` +
            (name === 'durable' ? '' : `  / durable: req/s ${(median(f.rps) / median(d.rps)).toFixed(2)}, CPU ${(median(f.cpu) / median(d.cpu)).toFixed(2)}`) +
            `   rounds: ${f.rps.map((x) => x.toFixed(0)).join(' ')}\n`,
        )
      }
    }
  } finally {
    for (const [, s] of servers) await s.close()
  }
}
