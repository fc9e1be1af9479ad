import { describe, expect, it } from 'vitest'
import { renderInputs } from '../../src/delivery/render-inputs.js'
import { yielder } from '../../src/delivery/yielder.js'
import type { Delivery, EventParts, Store } from '../../src/store/types.js'
import { parseRules } from '../../rules/load.js'
import { route, routing, sampleEvent } from '../store/sample.js'

const rules = parseRules('targets:\n  dev: { type: dingtalk, webhook: "", locale: en }\nrules: []\n', { file: '<test>', env: {} })

describe('renderInputs', () => {
  it('reads a digest\'s events a chunk at a time, in order, and names the deliveries whose event is gone', async () => {
    const events = Array.from({ length: 120 }, (_, i) => sampleEvent({ number: i }))
    const stored = new Map<string, EventParts>(events.map((e, i) => [e.id, { event: e, routing: { ...routing('dev'), transition: i % 2 ? 'fixed' : 'broken' } }]))
    stored.delete(events[70].id) // pruned meanwhile
    const reads: number[] = []
    const store = {
      async eventsFor(ids: string[]) {
        reads.push(ids.length)
        return new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!] as const] : [])))
      },
    } as unknown as Store
    const deliveries = events.map((e, i): Delivery => ({ id: i + 1, event_id: e.id, target: 'dev', status: 'pending', route: route('dev'), msg_uuid: `u${i}`, attempts: 0, next_attempt_at: 0, created_at: e.received_at }))

    const { ready, missing } = await renderInputs(store, rules, rules.targets.dev, deliveries, yielder())
    expect(reads).toEqual([50, 50, 20]) // not one read per event
    expect(missing.map((d) => d.id)).toEqual([71])
    expect(ready.map((r) => r.input.event.number)).toEqual(events.map((e) => e.number).filter((n) => n !== 70))
    expect(ready[1].input).toMatchObject({ transition: 'fixed', locale: 'en', timezone: 'Asia/Shanghai', route: route('dev') })
    expect(ready[0].delivery).toBe(deliveries[0])
  })
})
