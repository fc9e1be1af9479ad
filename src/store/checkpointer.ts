import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside whichever commit crosses the
 * threshold (1000 pages): it copies them into the database file and fsyncs it, blocking the event loop every hundred
 * or so webhooks, which is what the slowest 202s waited for (bench/README.md). Here a worker thread with its own
 * connection runs a PASSIVE checkpoint every `everyMs` (never blocking the writer: SQLite's WAL design allows one
 * concurrent checkpointer), copying the frames into the database as they come. Under a steady stream of commits
 * it never quite catches up with the last ones, so the WAL cannot restart from its beginning until the store's own
 * checkpoint, at a high threshold (10 000 pages, see walWriter), finds nearly everything copied already: the WAL
 * file grows to that threshold under load and stays there, and the checkpoint on the event loop, once per
 * threshold, copies only the frames of the last moments.
 *
 * The thread's code is a string, not a module file: it then runs the same from the compiled service and from the
 * TypeScript sources under test. It loads better-sqlite3 from the path resolved here.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { timeout: 0 })
db.pragma('synchronous = NORMAL')
let timer
let failing = false
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    failing = false
  } catch (err) {
    // Busy or failing disk: said once per run of failures, tried again next tick.
    if (!failing) parentPort.postMessage({ error: String(err && err.message || err) })
    failing = true
  }
  timer = setTimeout(tick, workerData.everyMs)
}
parentPort.on('message', (m) => {
  if (m !== 'stop') return
  clearTimeout(timer)
  db.close()
  parentPort.close()
})
tick()
`

export type Checkpointer = { stop(): Promise<void> }

/** `onError`: a checkpoint failed (once per run of failures), or the thread died; the store's own checkpoint remains. */
export function startCheckpointer(file: string, o: { everyMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(CODE, { eval: true, workerData: { file, driver, everyMs: o.everyMs ?? 250 } })
  // It must never keep the process alive on its own, nor take it down: the safety-net threshold covers a dead one.
  worker.unref()
  worker.on('error', (err) => o.onError?.(`checkpoint thread stopped: ${err.message}`))
  worker.on('message', (m: { error?: string }) => m.error && o.onError?.(`checkpoint failed: ${m.error}`))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    async stop() {
      // Referenced again while stopping: awaiting an unreferenced thread would let the process exit mid-shutdown.
      worker.ref()
      worker.postMessage('stop')
      // Its connection must close before the store's: the last connection to close removes the WAL file.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))])
      clearTimeout(timer)
      await worker.terminate()
    },
  }
}
