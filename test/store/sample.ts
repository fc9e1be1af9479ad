import type { CommonEvent } from '../../src/event.js'
import { newEventId } from '../../src/ids.js'
import type { Routing, TargetRoute } from '../../src/routing.js'
import type { Decision } from '../../src/routing.js'
import type { AcceptInput } from '../../src/store/types.js'

let n = 0

/** A valid common event; each call gets a fresh id and delivery id unless given. */
export function sampleEvent(over: Partial<CommonEvent> = {}, at = new Date('2026-11-01T10:00:00Z')): CommonEvent {
  n++
  return {
    id: newEventId(at),
    source: 'gitlab',
    kind: 'pipeline',
    status: 'failed',
    source_status: 'failed',
    finished: true,
    project: { name: 'app', path: 'group/app', url: 'https://gitlab.example.com/group/app' },
    ref: 'main',
    branch: 'main',
    number: 100 + n,
    delivery_id: `delivery-${n}-${Math.random()}`,
    received_at: at.toISOString(),
    ...over,
  }
}

export const route = (target: string, over: Partial<TargetRoute> = {}): TargetRoute => ({
  target,
  rules: ['r1'],
  mentions: [],
  all: false,
  ...over,
})

export const routing = (...targets: string[]): Routing => ({ transition: null, matched: ['r1'], targets: targets.map((t) => route(t)), unresolved: [] })

/** An accept input routing to `targets`, deduped on the event's delivery id. */
export function acceptInput(event: CommonEvent, targets: string[], o: { pipelineKey?: string; decide?: AcceptInput['decide'] } = {}): AcceptInput {
  const decision: Decision = { routing: routing(...targets) }
  return { event, dedupeKey: event.delivery_id, pipelineKey: o.pipelineKey, decide: o.decide ?? (() => decision) }
}
