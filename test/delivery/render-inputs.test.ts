import { describe, expect, it } from 'vitest'
import { renderInputs } from '../../src/delivery/render-inputs.js'
import { yielder } from '../../src/delivery/yielder.js'
import type { CommonEvent } from '../../src/event.js'
import { renderers } from '../../src/platforms/index.js'
import type { Delivery, EventParts, Store } from '../../src/store/types.js'
import { parseRules } from '../../rules/load.js'
import { renderRoute } from '../../src/app/render-route.js'
import { route as routeEvent } from '../../rules/route.js'
import { makeEvent } from '../rules/make-event.js'
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

const withPeople = parseRules(
  `targets: { dev: { type: dingtalk, webhook: "" } }
people:
  - { name: 陈静, gitlab: chenjing, github: chenjing-gh }
rules:
  - { name: all, notify: [dev] }
`,
  { file: 'r.yaml', env: {} },
)

/** The 触发人 line of the message the worker sends and of the one `ci-notify test` prints. */
async function actorLines(event: CommonEvent): Promise<{ worker: string; test: string }> {
  const { routing: decided } = routeEvent(event, withPeople, undefined)
  const parts = new Map<string, EventParts>([[event.id, { event, routing: decided }]])
  const store = { eventsFor: async () => parts } as unknown as Store
  const delivery = { id: 1, event_id: event.id, target: 'dev', route: decided.targets[0] } as Delivery
  const { ready } = await renderInputs(store, withPeople, withPeople.targets.dev, [delivery], { pause: async () => {} })
  const line = (messages: unknown) => /触发人：[^\\"]*/.exec(JSON.stringify(messages))?.[0] ?? '(none)'
  return { worker: line(renderers.dingtalk.render(ready[0].input)), test: line(renderRoute(event, withPeople, decided.targets[0], decided.transition)) }
}

describe('the actor line (触发人) names a person the same way for every source', () => {
  it('GitHub sends only the login: people maps it to 陈静, and the message says 陈静', async () => {
    const e = makeEvent({ source: 'github', actor: { username: 'chenjing-gh' } })
    expect(await actorLines(e)).toEqual({ worker: '触发人：陈静', test: '触发人：陈静' })
  })

  it('GitLab: the directory name rather than the display name', async () => {
    const e = makeEvent({ actor: { username: 'chenjing', name: 'Jing C.' } })
    expect(await actorLines(e)).toEqual({ worker: '触发人：陈静', test: '触发人：陈静' })
  })

  it('someone people does not know by a trusted means: the display name, else the username', async () => {
    expect(await actorLines(makeEvent({ actor: { username: 'stranger', name: 'Some One' } }))).toEqual({ worker: '触发人：Some One', test: '触发人：Some One' })
    expect(await actorLines(makeEvent({ source: 'github', actor: { username: 'octocat' } }))).toEqual({ worker: '触发人：octocat', test: '触发人：octocat' })
  })
})
