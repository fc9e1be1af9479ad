import { fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { durableBaseline } from '../../bench/bare-durable.js'
import { PAGE_CACHE_KIB } from '../../src/store/wal-writer.js'

/**
 * The benchmark's durable baseline is only a fair floor if its 202 means what ours means: the body committed and the
 * WAL synced to disk first, on a connection set up as the store's, with concurrent bodies sharing a commit as ours do.
 */
describe('durable baseline (bench)', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  /** A baseline whose fsyncs wait until the test lets each one finish (or fail); each records the file it syncs. */
  function start() {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-durable-test-'))
    dirs.push(dir)
    const syncs: { inode: number; done: (err: Error | null) => void }[] = []
    const baseline = durableBaseline(dir, { sync: (fd, done) => syncs.push({ inode: fstatSync(fd).ino, done }) })
    const post = (body: string) =>
      Promise.resolve(baseline.app.request('/webhooks/gitlab', { method: 'POST', body, headers: { 'content-type': 'application/json' } }))
    const rows = () => {
      const db = new Database(join(dir, 'bodies.db'), { readonly: true })
      try {
        return db.prepare('SELECT body FROM bodies ORDER BY id').pluck().all() as string[]
      } finally {
        db.close()
      }
    }
    const walInode = () => statSync(join(dir, 'bodies.db-wal')).ino
    return { baseline, post, rows, syncs, walInode }
  }

  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
  }
  /** Turns of the event loop until `cond` holds; fails saying what it waited for after 1000 of them. */
  const until = async (cond: () => boolean, what: string) => {
    for (let i = 0; i < 1000 && !cond(); i++) await turns(1)
    if (!cond()) throw new Error(`never happened: ${what}`)
  }

  it('runs on a connection set up as the store: WAL, synchronous=NORMAL, its page cache and checkpoint threshold', async () => {
    const { baseline } = start()
    const get = (pragma: string) => baseline.db.pragma(pragma, { simple: true })
    expect(get('journal_mode')).toBe('wal')
    expect(get('synchronous')).toBe(1)
    expect(get('cache_size')).toBe(-PAGE_CACHE_KIB)
    expect(get('wal_autocheckpoint')).toBe(10000)
    await baseline.close()
  })

  it('answers 202 only once the body is committed and the WAL has been synced', async () => {
    const { baseline, post, rows, syncs, walInode } = start()
    let answered = false
    const res = post('{"n":1}').then((r) => ((answered = true), r))
    await until(() => syncs.length === 1, 'a sync')
    expect(syncs[0].inode).toBe(walInode())
    await turns(5)
    expect(rows()).toEqual(['{"n":1}'])
    expect(answered).toBe(false)
    syncs[0].done(null)
    expect((await res).status).toBe(202)
    await baseline.close()
  })

  it('gives no 202 when the sync fails', async () => {
    const { baseline, post, syncs } = start()
    const res = post('{"n":1}')
    await until(() => syncs.length === 1, 'a sync')
    syncs[0].done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    expect((await res).status).toBe(500)
    await baseline.close()
  })

  it('commits the bodies that arrive during a sync together, under one more sync', async () => {
    const { baseline, post, rows, syncs } = start()
    const first = post('{"n":0}')
    await until(() => syncs.length === 1, 'the first sync')
    const more = Array.from({ length: 9 }, (_, i) => post(`{"n":${i + 1}}`))
    await turns(20)
    expect(rows()).toHaveLength(1)
    syncs[0].done(null)
    await until(() => syncs.length === 2, 'the second sync')
    expect(rows()).toHaveLength(10)
    syncs[1].done(null)
    const answers = await Promise.all([first, ...more])
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(202))
    expect(syncs).toHaveLength(2)
    await baseline.close()
  })
})
