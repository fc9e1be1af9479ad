import { describe, expect, it } from 'vitest'
import { batchUuid } from '../../src/delivery/attempt.js'
import { chooseBatch } from '../../src/delivery/choose.js'
import { gate, type Budget } from '../../src/delivery/gate.js'
import type { Delivery } from '../../src/store/types.js'
import { route } from '../store/sample.js'

const delivery = (id: number, over: Partial<Delivery> = {}): Delivery => ({
  id,
  event_id: `e${id}`,
  target: 'ops',
  status: 'pending',
  route: route('ops'),
  msg_uuid: `u${id}`,
  attempts: 0,
  next_attempt_at: 0,
  created_at: '2026-12-04T00:00:00Z',
  ...over,
})
const budget = (over: Partial<Budget> = {}): Budget => ({ perWindow: 20, available: 20, readyAt: (k) => 1000 * k, paceAt: 0, minGapMs: 0, ...over })

describe('gate (can the head go now?)', () => {
  it('holds a head that is not due, for a retry, even in a dry run', () => {
    expect(gate(delivery(1, { next_attempt_at: 500 }), 100, false, budget())).toEqual({ until: 500, reason: 'retry' })
    expect(gate(delivery(1, { next_attempt_at: 500 }), 100, true, budget())).toEqual({ until: 500, reason: 'retry' })
  })

  it('holds for the budget: none left until one is back, or paced', () => {
    expect(gate(delivery(1), 100, false, budget({ available: 0 }))).toEqual({ until: 1000, reason: 'rate' })
    expect(gate(delivery(1), 100, false, budget({ paceAt: 700 }))).toEqual({ until: 700, reason: 'rate' })
    expect(gate(delivery(1), 100, false, budget())).toBeUndefined()
  })

  it('lets a dry run through whatever the budget (nothing reaches the robot)', () => {
    expect(gate(delivery(1), 100, true, budget({ available: 0, paceAt: 700 }))).toBeUndefined()
  })
})

describe('chooseBatch (which deliveries go next)', () => {
  const o = { dry: false, available: 20, perWindow: 20, headMayHaveReachedRobot: false }
  const ids = (c: { due: Delivery[] }) => c.due.map((d) => d.id)

  it('sends the head alone while what is due fits the budget, everything due when it does not', () => {
    const three = [delivery(1), delivery(2), delivery(3)]
    expect(ids(chooseBatch(three, 0, o))).toEqual([1])
    expect(ids(chooseBatch(three, 0, { ...o, available: 2 }))).toEqual([1, 2, 3])
  })

  it('never goes past a delivery that is not due (order per target)', () => {
    const ws = [delivery(1), delivery(2), delivery(3, { next_attempt_at: 50 }), delivery(4)]
    expect(ids(chooseBatch(ws, 0, { ...o, available: 1 }))).toEqual([1, 2])
  })

  it('sends a head that may have reached the robot alone, however much waits', () => {
    const many = Array.from({ length: 30 }, (_, i) => delivery(i + 1))
    const c = chooseBatch(many, 0, { ...o, available: 5, headMayHaveReachedRobot: true })
    expect(ids(c)).toEqual([1])
    expect(c.sends).toBe(Infinity)
  })

  it('spends one send on everything due once the budget is half gone', () => {
    const ws = [delivery(1), delivery(2)]
    const c = chooseBatch(ws, 0, { ...o, available: 10 })
    expect(c.sends).toBe(1)
    expect(ids(c)).toEqual([1, 2])
  })

  it('resumes a digest that stopped part way exactly as it was, not merged with what came since', () => {
    const ws = [delivery(1), delivery(2), delivery(3), delivery(4)]
    const uuid = batchUuid({ deliveries: ws.slice(0, 3), digest: true }, 0)
    ws[0] = { ...ws[0], progress: { uuid, sent: 1 } }
    const c = chooseBatch(ws, 0, { ...o, available: 1 })
    expect(c.resumed).toBe(true)
    expect(ids(c)).toEqual([1, 2, 3])
  })

  it('a head part way through its own send finishes it alone', () => {
    const ws = [delivery(1, { progress: { uuid: 'u1', sent: 1 } }), delivery(2), delivery(3)]
    const c = chooseBatch(ws, 0, { ...o, available: 1 })
    expect(c.resumed).toBe(false)
    expect(ids(c)).toEqual([1])
  })
})
