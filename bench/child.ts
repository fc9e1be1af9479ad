import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Resident memory of a process, from /proc/<pid>/status: now (VmRSS) and its peak so far (VmHWM), in MB. */
export type Rss = { rssMb: number; peakMb: number }

export function readRss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

/**
 * CPU time a process has used, in µs: its main thread (the event loop every request goes through) and all its threads,
 * from /proc (clock ticks, 100 per second on Linux).
 */
export type Cpu = { mainUs: number; allUs: number }

export function readCpu(pid: number): Cpu {
  const ticks = (file: string) => {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = readFileSync(file, 'utf8').split(') ').at(-1)!.split(' ')
    return (Number(f[11]) + Number(f[12])) * 10_000
  }
  return { mainUs: ticks(`/proc/${pid}/task/${pid}/stat`), allUs: ticks(`/proc/${pid}/stat`) }
}

/**
 * Bytes of page cache a process has dirtied in files so far (`write_bytes` of /proc/<pid>/io, all its threads), counted
 * in whole 4 KiB pages: for ours its WAL, the checkpoints into the database and its log file. Sockets do not count, nor
 * the file system's journal, and tmpfs shows nothing.
 */
export function readDirtiedBytes(pid: number): number {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN)
}

/**
 * The machine's I/O pressure so far, in ms: for how long at least one task on it was waiting for the disk (Linux's
 * pressure stall information, the "some" total of /proc/pressure/io). Ours' own fsyncs count in it (every 202 waits
 * for one; the bare baseline never touches the disk), and so does any neighbour's I/O: read it as a comparison
 * between rounds of the same server, not as what the disk alone did. Undefined where the kernel has no PSI.
 */
export function readIoPressureMs(): number | undefined {
  try {
    const total = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/io', 'utf8'))?.[1]
    return total === undefined ? undefined : Number(total) / 1000
  } catch {
    return undefined
  }
}

/** Bytes of every file in a folder (SQLite db, -wal, -shm). */
export function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok))
  const { port } = srv.address() as { port: number }
  await new Promise((ok) => srv.close(ok))
  return port
}

export type Child = {
  name: string
  pid: number
  url: string
  /** Working folder: DATA_DIR for ours, and the child's log file. */
  dir: string
  rss(): Rss
  cpu(): Cpu
  dirtied(): number
  stop(): Promise<void>
}

/**
 * Starts a server as its own process, output to a log file in its folder (a pipe back to this process would make the
 * load generator pay for the server's logging), and waits until it answers HTTP.
 */
export async function startChild(o: { name: string; args: string[]; env?: Record<string, string>; dir?: string }): Promise<Child> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `ci-notify-bench-${o.name}-`))
  const port = await freePort()
  const logFile = join(dir, 'server.log')
  const out = openSync(logFile, 'a')
  const proc = spawn(process.execPath, o.args, {
    env: { ...process.env, ...o.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  const url = `http://127.0.0.1:${port}`
  await waitUp(proc, url, logFile)
  return {
    name: o.name,
    pid: proc.pid!,
    url,
    dir,
    rss: () => readRss(proc.pid!),
    cpu: () => readCpu(proc.pid!),
    dirtied: () => readDirtiedBytes(proc.pid!),
    stop: () => stop(proc),
  }
}

async function waitUp(proc: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${tail(logFile)}`)
    try {
      await fetch(url + '/healthz', { signal: AbortSignal.timeout(1000) })
      return
    } catch {
      // not listening yet: poll again
      await new Promise((ok) => setTimeout(ok, 100))
    }
  }
  proc.kill('SIGKILL')
  throw new Error(`server did not answer within 30 s:\n${tail(logFile)}`)
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n')
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((ok) => proc.once('exit', ok))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
