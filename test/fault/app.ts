import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { Store } from '../../src/store/types.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import type { Settings } from '../../src/settings/settings.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

/**
 * testDeps with the store in a real SQLite file (WAL, as in production) instead of `:memory:`, so stored events are
 * not counted as heap and locks behave as on disk. /dev/shm when there is one: fsync is free there, which keeps the
 * suite fast without changing what SQLite does.
 */
export async function fileDeps(o: { settings?: Partial<Settings>; wrap?: (s: SqliteStore) => Store; busyTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ci-notify-fault-'))
  const file = join(dir, 'ci-notify.db')
  const sqlite = new SqliteStore(file, { busyTimeoutMs: o.busyTimeoutMs })
  const base: TestDeps = await testDeps({ settings: o.settings })
  await base.store.close()
  const deps: TestDeps = {
    ...base,
    store: o.wrap ? o.wrap(sqlite) : sqlite,
    close: async () => {
      await sqlite.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return { deps, file, sqlite }
}

/** Wraps a store so every call is counted by method name. */
export function counting(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>()
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver)
      if (typeof v !== 'function') return v
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1)
        return (v as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store: proxy, calls }
}

/**
 * The app on a real loopback socket through @hono/node-server, the way `ci-notify serve` runs it, for what
 * `app.request()` cannot show (bytes on the wire, when the answer arrives, connections closing).
 */
export async function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
