import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../src/log.js'
import { startRetention } from '../../src/serve/retention.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { captureLogs } from '../helpers/log-capture.js'
import { acceptInput, sampleEvent } from '../store/sample.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('retention', () => {
  it('prunes a minute after start; close() stops a prune in progress after its batch and waits for it', async () => {
    const store = new SqliteStore(':memory:')
    // More than one batch (the store's default is 1000 events), all a year past any retention.
    const events = Array.from({ length: 2500 }, () => sampleEvent({}, new Date('2020-01-01T00:00:00Z')))
    await Promise.all(events.map((e) => store.accept(acceptInput(e, []))))
    const { logs, destination } = captureLogs()
    // Only the retention timers are faked: the store's turns between batches (setImmediate) stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] })
    const retention = startRetention({ store, days: 30, log: createLogger({ destination }) })
    vi.advanceTimersByTime(60_000) // the first run starts its first batch
    await retention.close()
    const left = (await store.listEvents(5000)).length
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThan(events.length)
    const line = JSON.parse(logs.find((l) => l.includes('retention: old events pruned'))!)
    expect(line).toMatchObject({ events: events.length - left, deliveries: 0, retentionDays: 30 })
    expect(logs.join('')).not.toContain('prune failed')
    await store.close()
  })
})
