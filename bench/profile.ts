import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { runLoad } from './load.js'
import { loads, SOURCES, type Source } from './payloads.js'
import { startOurs } from './servers.js'

/**
 * Where ours' main thread spends its time under load: `npx tsc -p bench/tsconfig.json && node dist/bench/profile.js
 * [--source=gitlab] [--seconds=10] [--connections=10] [--top=40]`. Starts ours (robots, as the ingest bench does) with
 * `node --cpu-prof`, loads it with autocannon, stops it (the profile is written at exit) and prints the main thread's
 * self time per function and per file or package, and the inclusive time of the functions most on the stack, counted
 * over the load window only (samples are matched to it by the monotonic clock both processes read), in µs per request.
 */
const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt
const source = arg('source', 'gitlab') as Source
if (!SOURCES.includes(source)) throw new Error(`--source: one of ${SOURCES.join(', ')}`)
const seconds = Number(arg('seconds', '10'))
const connections = Number(arg('connections', '10'))
const top = Number(arg('top', '40'))

type CallFrame = { functionName: string; url: string; lineNumber: number }
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] }
type Profile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

const load = loads[source]()
const profileDir = mkdtempSync(join(tmpdir(), 'ci-notify-profile-'))
const ours = await startOurs({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] })
let answered = 0
let window: [number, number]
let mainUs: number
try {
  await runLoad(ours.url, load, { seconds: 2, connections })
  const cpu0 = ours.cpu()
  const t0 = nowUs()
  const run = await runLoad(ours.url, load, { seconds, connections })
  window = [t0, nowUs()]
  mainUs = ours.cpu().mainUs - cpu0.mainUs
  answered = run.total
  process.stdout.write(`${source}, ${connections} connections, ${seconds} s: ${run.reqPerSec.toFixed(0)} req/s, statuses ${JSON.stringify(run.status)}, main thread ${(mainUs / answered).toFixed(0)} µs/req (from /proc)\n`)
} finally {
  // The profile is written when the process exits; keep the folder to read it.
  const { close: _close, ...child } = ours
  await child.stop()
}
// The main thread's profile: Node names it CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile, thread 0.
const file = readdirSync(profileDir).find((f) => f.split('.')[4] === '0')
if (!file) throw new Error(`no main-thread profile in ${profileDir}`)
const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile
report(profile, window!, answered)
await ours.close()
rmSync(profileDir, { recursive: true, force: true })

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

function report(p: Profile, [from, to]: [number, number], requests: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const files = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let t = p.startTime
  let total = 0
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]
    const dt = p.timeDeltas[i + 1] ?? 0
    if (t < from || t > to) continue
    total += dt
    const node = byId.get(p.samples[i])!
    add(self, fnKey(node.callFrame), dt)
    add(files, fileKey(node.callFrame), dt)
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = fnKey(byId.get(id)!.callFrame)
      if (!seen.has(k)) (seen.add(k), add(inclusive, k, dt))
    }
  }
  if (total === 0) throw new Error('no sample inside the load window: the clocks differ?')
  const per = (us: number) => (us / requests).toFixed(1).padStart(7)
  const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5)
  const idle = (self.get('(idle)') ?? 0)
  process.stdout.write(`profiled ${(total / 1e6).toFixed(2)} s of the main thread, ${requests} requests: ${per(total - idle)} µs/req busy (idle ${per(idle)})\n`)
  const table = (title: string, m: Map<string, number>, n: number) => {
    process.stdout.write(`\n${title}  (µs/req, % of the window)\n`)
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${per(us)} ${pct(us)}%  ${k}\n`)
  }
  table('self time by file or package', files, top)
  table('self time by function', self, top)
  table('inclusive time by function', inclusive, top)
}

function add(m: Map<string, number>, k: string, us: number): void {
  m.set(k, (m.get(k) ?? 0) + us)
}

function fileKey(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)'
  const path = f.url.replace(/^file:\/\//, '')
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (pkg) return `npm:${pkg[1]}`
  return path.startsWith('node:') ? path : relative(process.cwd(), path)
}

function fnKey(f: CallFrame): string {
  if (!f.url) return f.functionName || '(anonymous native)'
  return `${f.functionName || '(anonymous)'} ${fileKey(f)}:${f.lineNumber + 1}`
}
