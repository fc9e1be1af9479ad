import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * The built server as `node <build>/src/cli.js serve`, the way `npm start` and the container run it, from a private
 * copy under node_modules/.cache (node still resolves the project's packages from there), made once per test run by
 * test/global-setup.ts: a developer's `npm run build` during a test run cannot hand a test half-written files. A
 * `dist/` newer than every source (CI builds before testing) is copied; otherwise the sources are compiled there.
 */
export const BUILD = resolve('node_modules/.cache/ci-notify-ops-test')
export const CLI = join(BUILD, 'src/cli.js')

export function buildOnce(): void {
  rmSync(BUILD, { recursive: true, force: true })
  if (existsSync('dist/src/cli.js') && statSync('dist/src/cli.js').mtimeMs > newestSource()) {
    cpSync('dist', BUILD, { recursive: true })
    return
  }
  try {
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', BUILD], { stdio: 'pipe' })
  } catch (err) {
    // Type errors still emit JavaScript; only a missing CLI means there is nothing to run.
    if (!existsSync(CLI)) throw err
  }
}

function newestSource(): number {
  let newest = 0
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.ts') || e.name.endsWith('.tsx')) newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const dir of ['src', 'adapters', 'rules']) walk(dir)
  return Math.max(newest, statSync('tsconfig.json').mtimeMs)
}

export type Running = {
  proc: ChildProcess
  port: number
  url: string
  stdout: () => string
  stderr: () => string
  /** Resolves when stdout+stderr match. */
  waitFor: (re: RegExp) => Promise<void>
  exited: Promise<number | null>
}

/** Starts `serve` with a clean environment plus `env`; resolves once it logs "listening". */
export async function startServer(o: { env: Record<string, string>; cwd?: string; args?: string[] }): Promise<Running> {
  const proc = spawn(process.execPath, [CLI, 'serve', ...(o.args ?? [])], {
    cwd: o.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  const poke = () => waiters.forEach((w) => w())
  proc.stdout!.on('data', (c: Buffer) => ((out += c), poke()))
  proc.stderr!.on('data', (c: Buffer) => ((err += c), poke()))
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => (r(code), poke())))
  let done = false
  void exited.then(() => (done = true))
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(out + err)) return waiters.delete(check), resolve()
        if (done) return waiters.delete(check), reject(new Error(`server exited before ${re}:\n${out}\n${err}`))
      }
      waiters.add(check)
      check()
    })
  await waitFor(/"msg":"listening"/)
  const port = Number(/"port":(\d+)[^\n]*"msg":"listening"/.exec(out)?.[1])
  return { proc, port, url: `http://127.0.0.1:${port}`, stdout: () => out, stderr: () => err, waitFor, exited }
}

/** Runs `serve` expecting it to stop at start; returns its exit code and output. */
export function runToExit(env: Record<string, string>, args: string[] = [], cwd?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, 'serve', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', ...env } })
    let out = ''
    proc.stdout.on('data', (c: Buffer) => (out += c))
    proc.stderr.on('data', (c: Buffer) => (out += c))
    proc.on('exit', (code) => resolve({ code, out }))
  })
}

/**
 * The servers one test file starts: `start` is `startServer` that remembers the process, `killAll` (for afterAll)
 * SIGKILLs those still running and waits until every one has exited.
 */
export function serverFleet() {
  const running: Running[] = []
  return {
    running,
    async start(o: Parameters<typeof startServer>[0]): Promise<Running> {
      const r = await startServer(o)
      running.push(r)
      return r
    },
    /** Everything every server has written, stdout and stderr: for asserting what the logs never contain. */
    logs: (): string => running.map((r) => r.stdout() + r.stderr()).join('\n'),
    async killAll(): Promise<void> {
      for (const r of running) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL')
      await Promise.all(running.map((r) => r.exited))
    },
  }
}
