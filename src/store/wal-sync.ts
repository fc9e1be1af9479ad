import { closeSync, fdatasync, openSync } from 'node:fs'

type Waiter = { resolve: () => void; reject: (err: Error) => void }
export type SyncFn = (fd: number, done: (err: Error | null) => void) => void

/**
 * Durable SQLite commits without blocking the event loop. The store runs WAL with synchronous=NORMAL: a commit writes
 * its frames to the WAL file but does not fsync them (SQLite's only loss window is a power cut, never a process
 * crash). A caller that promises durability (a 202, a delivery marked sent) then awaits `flush()`, an fdatasync of
 * the same WAL file on libuv's thread pool. Once it returns, every frame committed before it is on disk and SQLite's
 * recovery replays it (frames carry checksums; a torn later commit is simply not replayed), which is what
 * synchronous=FULL gives, but the loop keeps answering webhooks while the disk syncs.
 *
 * Flushes coalesce: callers that arrive while one runs share the next, which starts after their commits.
 * The WAL file keeps its inode while the store's connection is open (SQLite deletes it only when the last connection
 * closes, and restarts it in place after a checkpoint), so one descriptor, opened at the first flush, is enough.
 */
export class WalSync {
  private fd: number | undefined
  private running = false
  private waiting: Waiter[] = []
  private beforeNext: (() => void)[] = []
  private idle: (() => void)[] = []
  /**
   * The first failed sync, for good. Linux may drop the pages a failed fdatasync could not write and report the next
   * sync a success, and the WAL's chained checksums make recovery stop at the first lost frame: nothing committed
   * after it would survive a power cut. So, as PostgreSQL does, no sync is trusted again until a restart.
   */
  private failure: Error | undefined

  /** `walFile` undefined: an in-memory database, nothing to sync. `sync` is fs.fdatasync but for tests. */
  constructor(
    private readonly walFile: string | undefined,
    private readonly sync: SyncFn = fdatasync,
  ) {}

  /** Why syncs cannot be trusted any more (see `failure`), or undefined. */
  get failed(): Error | undefined {
    return this.failure
  }

  /** Resolves when everything committed before this call is on disk; rejects with the fsync's error. */
  flush(): Promise<void> {
    if (this.walFile === undefined) return Promise.resolve()
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      if (!this.running) this.start()
    })
  }

  /**
   * Runs `fn` once no sync is in progress: at once (next turn of the loop) when idle, else right after the running
   * sync ends and before the next one starts, so that what `fn` commits and flushes rides on that next sync.
   */
  betweenSyncs(fn: () => void): void {
    if (this.running) this.beforeNext.push(fn)
    else setImmediate(fn)
  }

  /** Waits for the flush in progress, then closes the descriptor. */
  async close(): Promise<void> {
    // A loop: the sync that ends may hand over to one more for writes that were waiting.
    while (this.running) await new Promise<void>((resolve) => this.idle.push(resolve))
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  private start(): void {
    const batch = this.waiting
    this.waiting = []
    let fd: number
    try {
      this.fd ??= openSync(this.walFile!, 'r+')
      fd = this.fd
    } catch (err) {
      // Not a sync failure (nothing was written and lost): this batch fails, a later flush tries to open again.
      for (const w of batch) w.reject(err as Error)
      return
    }
    this.running = true
    this.sync(fd, (err) => {
      if (err) this.failure ??= err
      for (const w of batch) if (err) w.reject(err)
      else w.resolve()
      this.running = false
      for (const fn of this.beforeNext.splice(0)) fn()
      for (const fn of this.idle.splice(0)) fn()
      if (this.waiting.length && !this.running) {
        if (this.failure) for (const w of this.waiting.splice(0)) w.reject(this.failure)
        else this.start()
      }
    })
  }
}
