import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../src/errors.js'
import { msgUuid } from '../../src/store/msg-uuid.js'
import type { AcceptInput, AcceptResult, Store } from '../../src/store/types.js'
import type { CommonEvent } from '../../src/event.js'
import type { PipelineState } from '../../src/routing.js'
import type { Silence } from '../../src/silence.js'
import { acceptInput, route, routing, sampleEvent } from './sample.js'

/** A store kept between opens (a file, a database schema): for the "after a restart" cases. */
export type Persistent = { open(): Promise<Store>; cleanup(): Promise<void> }

/**
 * The behaviour every Store implementation must have. Run it with a factory for a fresh, empty store, and a factory
 * for a persistent one that can be closed and reopened.
 */
export function storeContract(name: string, makeStore: () => Promise<Store>, makePersistent: () => Promise<Persistent>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await makeStore()
    })
    afterEach(async () => {
      await store.close()
    })

    const t0 = new Date('2026-11-01T10:00:00Z')
    const later = (ms: number) => new Date(t0.getTime() + ms)

    it('stores the event, its routing and one pending delivery per target with a stable msg_uuid', async () => {
      const event = sampleEvent()
      const r = routing('ops', 'dev')
      r.targets[1] = route('dev', { mentions: [{ as: 'author', name: 'Ann', resolved: true, ids: { dingtalk: 'ann01' } }], all: true })
      const res = await store.accept({ event, dedupeKey: 'k1', decide: () => ({ routing: r }) })
      expect(res).toEqual({ duplicate: false, event_id: event.id, routing: r })

      const stored = await store.getEvent(event.id)
      expect(stored?.event).toEqual(event)
      expect(stored?.routing).toEqual(r)
      expect(stored?.deliveries.map((d) => [d.target, d.status, d.attempts])).toEqual([
        ['ops', 'pending', 0],
        ['dev', 'pending', 0],
      ])
      expect(stored?.deliveries[1].route).toEqual(r.targets[1])
      expect(stored?.deliveries[0].msg_uuid).toBe(msgUuid(event.id, 'ops'))
      expect(stored?.deliveries[1].msg_uuid).toBe(msgUuid(event.id, 'dev'))
      expect(stored?.deliveries[0].msg_uuid).not.toBe(stored?.deliveries[1].msg_uuid)
      expect(stored?.deliveries[0].created_at).toBe(event.received_at)
    })

    it('keeps the webhook headers it is given with the event, for getEvent only', async () => {
      const kept = sampleEvent()
      const headers = { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'user-agent': 'GitLab/17.5.0 \u00e9' }
      await store.accept({ ...acceptInput(kept, ['ops']), headers })
      const without = sampleEvent()
      await store.accept(acceptInput(without, ['ops']))
      expect((await store.getEvent(kept.id))?.request).toEqual({ headers })
      expect(await store.getEvent(without.id)).not.toHaveProperty('request')
    })

    it('answers a redelivery (same source and dedupe key) as a duplicate without deciding or storing again', async () => {
      const first = sampleEvent()
      await store.accept(acceptInput(first, ['ops']))
      let decided = 0
      const again = sampleEvent({ delivery_id: first.delivery_id })
      const res = await store.accept(acceptInput(again, ['ops'], { decide: () => (decided++, { routing: routing('ops') }) }))
      expect(res).toEqual({ duplicate: true, event_id: first.id })
      expect(decided).toBe(0)
      expect(await store.getEvent(again.id)).toBeUndefined()
      expect(await store.listDeliveries({ limit: 10 })).toHaveLength(1)
    })

    it('keeps the same dedupe key from different sources apart', async () => {
      const a = sampleEvent({ source: 'gitlab', delivery_id: 'same' })
      const b = sampleEvent({ source: 'github', delivery_id: 'same' })
      expect((await store.accept(acceptInput(a, []))).duplicate).toBe(false)
      expect((await store.accept(acceptInput(b, []))).duplicate).toBe(false)
    })

    it('stores one event when the same key is accepted concurrently', async () => {
      const events = Array.from({ length: 5 }, () => sampleEvent({ delivery_id: 'race' }))
      const results = await Promise.all(events.map((e) => store.accept(acceptInput(e, ['ops']))))
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
      expect(new Set(results.map((r) => r.event_id)).size).toBe(1)
      expect(await store.listEvents(10)).toHaveLength(1)
    })

    it('gives decide the previous state of the pipeline and stores the new one', async () => {
      const seen: (PipelineState | undefined)[] = []
      const run = async (status: 'failed' | 'success', o: { key?: string; keep?: boolean } = {}) => {
        const event = sampleEvent({ status })
        const state: PipelineState = { status, event_id: event.id, number: event.number }
        await store.accept(
          acceptInput(event, [], {
            pipelineKey: 'key' in o ? o.key : 'gitlab|group/app|branch:main|',
            decide: (prev) => (seen.push(prev), { routing: routing(), state: o.keep ? undefined : state }),
          }),
        )
        return state
      }
      const s1 = await run('failed')
      await run('success', { keep: true }) // e.g. an older run: state left alone
      const s3 = await run('success')
      await run('failed', { key: 'gitlab|other|branch:main|' })
      await run('failed', { key: undefined })
      await run('failed')
      expect(seen).toEqual([undefined, s1, s1, undefined, undefined, s3])
    })

    it('stores nothing when decide throws', async () => {
      const event = sampleEvent()
      const boom = acceptInput(event, ['ops'], {
        pipelineKey: 'p',
        decide: () => {
          throw new TypeError('rules bug')
        },
      })
      await expect(store.accept(boom)).rejects.toThrow('rules bug')
      expect(await store.getEvent(event.id)).toBeUndefined()
      // The key is free again: the retry of the webhook is accepted.
      expect((await store.accept(acceptInput(sampleEvent({ delivery_id: event.delivery_id }), ['ops']))).duplicate).toBe(false)
    })

    it('accepts arriving together are each stored, deduped and failed on their own', async () => {
      const good = Array.from({ length: 30 }, () => sampleEvent())
      const twin = sampleEvent({ delivery_id: good[0].delivery_id })
      const bad = sampleEvent()
      const boom = acceptInput(bad, ['ops'], {
        decide: () => {
          throw new TypeError('rules bug')
        },
      })
      const results = await Promise.allSettled([...good.map((e) => store.accept(acceptInput(e, ['ops']))), store.accept(boom), store.accept(acceptInput(twin, ['ops']))])
      const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))
      expect(values.slice(0, 30).every((v) => v.duplicate === false)).toBe(true)
      expect(values[30]).toBeInstanceOf(TypeError)
      expect(values[31]).toEqual({ duplicate: true, event_id: good[0].id })
      expect(await store.getEvent(bad.id)).toBeUndefined()
      expect((await store.listEvents(100)).map((s) => s.event.id).sort()).toEqual(good.map((e) => e.id).sort())
    })

    it('lists events newest first, with their deliveries, up to the limit', async () => {
      const evs = [0, 1, 2].map((i) => sampleEvent({}, later(i * 1000)))
      for (const e of evs) await store.accept(acceptInput(e, ['ops']))
      const list = await store.listEvents(2)
      expect(list.map((s) => s.event.id)).toEqual([evs[2].id, evs[1].id])
      expect(list[0].deliveries.map((d) => d.event_id)).toEqual([evs[2].id])
      expect(await store.getEvent('evt_unknown')).toBeUndefined()
    })

    it('reads many events at once with their routing, in more than one chunk, leaving out ids it does not hold', async () => {
      const evs = Array.from({ length: 130 }, (_, i) => sampleEvent({}, later(i * 10)))
      for (const e of evs) await store.accept(acceptInput(e, ['ops'], { decide: () => ({ routing: { ...routing('ops'), transition: 'broken' } }) }))
      const ids = [...evs.map((e) => e.id).reverse(), 'evt_unknown', evs[0].id]
      const found = await store.eventsFor(ids)
      expect(found.size).toBe(130)
      expect(found.has('evt_unknown')).toBe(false)
      for (const e of evs) {
        expect(found.get(e.id)?.event).toEqual(e)
        expect(found.get(e.id)?.routing.transition).toBe('broken')
      }
      expect((await store.eventsFor([])).size).toBe(0)
    })

    it('returns the waiting deliveries per target in id order', async () => {
      for (let i = 0; i < 3; i++) await store.accept(acceptInput(sampleEvent({}, later(i)), ['a', 'b']))
      const all = (await store.listDeliveries({ limit: 10 })).reverse()
      const forB = await store.waitingFor('b', 10)
      expect(forB.map((d) => d.target)).toEqual(['b', 'b', 'b'])
      expect(forB.map((d) => d.id)).toEqual(all.filter((d) => d.target === 'b').map((d) => d.id))
      expect((await store.waitingFor('b', 2)).map((d) => d.id)).toEqual(forB.slice(0, 2).map((d) => d.id))
      await store.markRetry(forB[0].id, { nextAttemptAt: later(60_000).getTime(), errmsg: 'HTTP 502' })
      await store.markSent([forB[1].id], later(20))
      // A retrying delivery still waits (and keeps its place); a sent one does not.
      expect((await store.waitingFor('b', 10)).map((d) => d.id)).toEqual([forB[0].id, forB[2].id])
    })

    it('names each target with something due once, whatever the number of deliveries due there', async () => {
      for (let i = 0; i < 4; i++) await store.accept(acceptInput(sampleEvent({}, later(i)), i < 3 ? ['a', 'b'] : ['a', 'c']))
      expect(await store.dueTargets(later(10).getTime())).toEqual(['a', 'b', 'c'])
      // Not before next_attempt_at (= received_at for a new delivery).
      expect(await store.dueTargets(later(0).getTime() - 1)).toEqual([])
      expect(await store.dueTargets(later(1).getTime())).toEqual(['a', 'b'])

      const [c] = await store.waitingFor('c', 10)
      await store.markRetry(c.id, { nextAttemptAt: later(60_000).getTime(), errmsg: 'HTTP 502' })
      expect(await store.dueTargets(later(10).getTime())).toEqual(['a', 'b'])
      expect(await store.dueTargets(later(60_000).getTime())).toEqual(['a', 'b', 'c'])
      // A target whose head is retrying later still has its other pending deliveries due.
      const [b1, b2, b3] = await store.waitingFor('b', 10)
      await store.markRetry(b1.id, { nextAttemptAt: later(60_000).getTime(), errmsg: 'HTTP 502' })
      expect(await store.dueTargets(later(10).getTime())).toEqual(['a', 'b'])
      await store.markSent([b2.id], later(20))
      await store.markDead(b3.id, { errmsg: 'x' })
      expect(await store.dueTargets(later(10).getTime())).toEqual(['a'])
      await store.markDryRun((await store.waitingFor('a', 10)).map((d) => d.id), later(20))
      expect(await store.dueTargets(later(10).getTime())).toEqual([])
    })

    it('records the progress of a send in parts on a waiting delivery, and clears it when the delivery settles', async () => {
      await store.accept(acceptInput(sampleEvent(), ['a', 'b', 'c', 'd']))
      const [a, b, c, d] = await store.listDeliveries({ limit: 10 }).then((ds) => ds.reverse())
      const get = async (id: number) => (await store.getDelivery(id))!
      expect((await get(a.id)).progress).toBeUndefined()
      for (const x of [a, b, c, d]) await store.markProgress(x.id, { uuid: x.msg_uuid, sent: 1 })
      expect((await get(a.id)).progress).toEqual({ uuid: a.msg_uuid, sent: 1 })
      await store.markRetry(a.id, { nextAttemptAt: 5, errmsg: 'HTTP 502', progress: { uuid: 'digest-x', sent: 2 } })
      expect(await get(a.id)).toMatchObject({ status: 'retrying', progress: { uuid: 'digest-x', sent: 2 } })
      await store.markRetry(a.id, { nextAttemptAt: 6, errmsg: 'HTTP 502' })
      expect((await get(a.id)).progress).toBeUndefined()

      await store.markSent([b.id], later(1))
      await store.markDead(c.id, { errmsg: 'x' })
      expect((await get(b.id)).progress).toBeUndefined()
      expect((await get(c.id)).progress).toBeUndefined()
      await store.markRetry(a.id, { nextAttemptAt: 7, errmsg: 'HTTP 502', progress: { uuid: a.msg_uuid, sent: 1 } })
      await store.markDryRun([a.id], later(1))
      expect(await get(a.id)).toMatchObject({ status: 'dry_run' })
      expect((await get(a.id)).progress).toBeUndefined()
      // Only a waiting delivery takes progress: a settled one is left alone.
      await store.markProgress(b.id, { uuid: b.msg_uuid, sent: 1 })
      expect((await get(b.id)).progress).toBeUndefined()

      await store.markProgress(d.id, { uuid: d.msg_uuid, sent: 2 })
      await store.markDead(d.id, { errmsg: 'x' })
      await store.markProgress(d.id, { uuid: d.msg_uuid, sent: 3 })
      expect(await store.requeue(d.id)).toBe(true)
      expect(await get(d.id)).toMatchObject({ status: 'pending' })
      expect((await get(d.id)).progress).toBeUndefined()
    })

    it('marks deliveries sent (a digest carrier and the ones it carried), retrying, dead and dry-run', async () => {
      const event = sampleEvent()
      await store.accept(acceptInput(event, ['a', 'b', 'c', 'd', 'e']))
      const [a, b, c, d, e] = (await store.getEvent(event.id))!.deliveries
      const at = later(5000)
      await store.markSent([a.id, b.id], at, a.id)
      await store.markRetry(c.id, { nextAttemptAt: 123, errcode: -1, errmsg: 'system busy' })
      await store.markDead(d.id, { errcode: 310000, errmsg: 'keywords not in content' })
      await store.markDryRun([e.id], at)
      const byId = new Map((await store.listDeliveries({ limit: 10 })).map((x) => [x.id, x]))
      expect(byId.get(a.id)).toMatchObject({ status: 'sent', sent_at: at.toISOString(), attempts: 1 })
      expect(byId.get(a.id)?.digest_of).toBeUndefined()
      expect(byId.get(b.id)).toMatchObject({ status: 'sent', digest_of: a.id })
      expect(byId.get(c.id)).toMatchObject({ status: 'retrying', attempts: 1, next_attempt_at: 123, last_errcode: -1, last_errmsg: 'system busy' })
      expect(byId.get(d.id)).toMatchObject({ status: 'dead', last_errcode: 310000, last_errmsg: 'keywords not in content' })
      expect(byId.get(e.id)).toMatchObject({ status: 'dry_run', sent_at: at.toISOString() })
      expect(await store.dueTargets(Number.MAX_SAFE_INTEGER)).toEqual(['c'])
    })

    it('lists deliveries by status, newest first', async () => {
      await store.accept(acceptInput(sampleEvent(), ['a', 'b', 'c']))
      const all = await store.listDeliveries({ limit: 10 })
      expect(all.map((d) => d.target)).toEqual(['c', 'b', 'a'])
      await store.markDead(all[2].id, { errmsg: 'x' })
      await store.markDead(all[0].id, { errmsg: 'y' })
      expect((await store.listDeliveries({ status: 'dead', limit: 10 })).map((d) => d.target)).toEqual(['c', 'a'])
      expect((await store.listDeliveries({ status: 'pending', limit: 10 })).map((d) => d.target)).toEqual(['b'])
      expect(await store.listDeliveries({ status: 'sent', limit: 10 })).toEqual([])
      expect(await store.listDeliveries({ status: 'dead', limit: 1 })).toHaveLength(1)
      await store.accept(acceptInput(sampleEvent(), ['d', 'e', 'f']))
      const [f, e] = await store.listDeliveries({ status: 'pending', limit: 2 })
      expect([f.target, e.target]).toEqual(['f', 'e'])
      await store.markRetry(e.id, { nextAttemptAt: 1, errmsg: 'x' })
      expect((await store.listDeliveries({ status: 'pending', limit: 10 })).map((d) => d.target)).toEqual(['f', 'd', 'b'])
      expect((await store.listDeliveries({ status: 'retrying', limit: 10 })).map((d) => d.target)).toEqual(['e'])
    })

    it('requeues a dead delivery (due at once, its attempts still counted) and nothing else', async () => {
      await store.accept(acceptInput(sampleEvent(), ['a', 'b']))
      const [a, b] = (await store.listDeliveries({ limit: 10 })).reverse()
      await store.markRetry(a.id, { nextAttemptAt: 1, errmsg: 'timeout' })
      await store.markDead(a.id, { errcode: 300001, errmsg: 'token is not exist' })
      expect(await store.requeue(a.id)).toBe(true)
      expect(await store.requeue(a.id)).toBe(false) // pending now
      expect(await store.requeue(b.id)).toBe(false)
      expect(await store.requeue(999_999)).toBe(false)
      expect((await store.getDelivery(a.id))?.status).toBe('pending')
      expect((await store.getDelivery(b.id))?.id).toBe(b.id)
      expect(await store.getDelivery(999_999)).toBeUndefined()
      // Due at once: next_attempt_at 0.
      expect(await store.dueTargets(0)).toEqual(['a'])
      expect(await store.getDelivery(a.id)).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: 0 })
      // Sent after the retry: three attempts in all.
      await store.markSent([a.id], later(0))
      expect(await store.getDelivery(a.id)).toMatchObject({ status: 'sent', attempts: 3 })
    })

    it('a dead letter that was never sent (render failure, removed target) counts no attempt', async () => {
      await store.accept(acceptInput(sampleEvent(), ['a']))
      const [a] = await store.listDeliveries({ limit: 1 })
      await store.markDead(a.id, { errmsg: 'render failed: x', attempted: false })
      expect(await store.getDelivery(a.id)).toMatchObject({ status: 'dead', attempts: 0, last_errmsg: 'render failed: x' })
    })

    it('counts the queue', async () => {
      expect(await store.queueStats()).toEqual({ pending: 0, retrying: 0, dead: 0, waitingByTarget: {} })
      await store.accept(acceptInput(sampleEvent({}, later(0)), ['a', 'b', 'c']))
      await store.accept(acceptInput(sampleEvent({}, later(1000)), ['a', 'b']))
      const ds = await store.listDeliveries({ limit: 10 })
      await store.markRetry(ds[0].id, { nextAttemptAt: 1, errmsg: 'x' })
      await store.markDead(ds[1].id, { errmsg: 'x' })
      await store.markSent([ds[2].id], later(2000))
      expect(await store.queueStats()).toEqual({ pending: 2, retrying: 1, dead: 1, oldestPendingAt: later(0).toISOString(), waitingByTarget: { a: 1, b: 2 } })
    })

    it('prunes old finished events with their deliveries, never one still waiting', async () => {
      const now = new Date('2026-12-31T00:00:00Z')
      const old = new Date('2026-11-01T00:00:00Z')
      const done = sampleEvent({}, old)
      const waiting = sampleEvent({}, old)
      const recent = sampleEvent({}, new Date('2026-12-30T00:00:00Z'))
      const noTargets = sampleEvent({}, old)
      for (const e of [done, waiting, recent, noTargets]) await store.accept(acceptInput(e, e === noTargets ? [] : ['a', 'b']))
      const [d1, d2] = (await store.getEvent(done.id))!.deliveries
      await store.markSent([d1.id], old)
      await store.markDead(d2.id, { errmsg: 'gone' })
      const [w1] = (await store.getEvent(waiting.id))!.deliveries
      await store.markSent([w1.id], old) // the other one still waits

      expect(await store.prune(30, now)).toEqual({ events: 2, deliveries: 2 })
      expect(await store.getEvent(done.id)).toBeUndefined()
      expect(await store.getEvent(noTargets.id)).toBeUndefined()
      expect((await store.getEvent(waiting.id))?.deliveries).toHaveLength(2)
      expect(await store.getEvent(recent.id)).toBeDefined()
      expect(await store.prune(30, now)).toEqual({ events: 0, deliveries: 0 })
      // A redelivery of a pruned event is accepted again: retention bounds the dedupe window.
      expect((await store.accept(acceptInput(sampleEvent({ delivery_id: done.delivery_id }), []))).duplicate).toBe(false)
    })

    describe('prune in batches', () => {
      const now = new Date('2026-12-31T00:00:00Z') // prune(30): before 2026-12-01
      const nov = (day: number, ms = 0) => new Date(Date.UTC(2026, 10, day) + ms)
      const recent = new Date('2026-12-30T00:00:00Z')
      type Status = 'sent' | 'dead' | 'dry_run' | 'pending' | 'retrying'

      /** Accepts an event at `at` with one delivery per status (targets t0, t1, …) and brings each to its status. */
      const seed = async (at: Date, statuses: Status[], o: { pipelineKey?: string; state?: PipelineState } = {}) => {
        const event = sampleEvent({}, at)
        const targets = statuses.map((_, i) => `t${i}`)
        await store.accept(acceptInput(event, targets, { pipelineKey: o.pipelineKey, decide: () => ({ routing: routing(...targets), state: o.state }) }))
        const ds = (await store.getEvent(event.id))!.deliveries
        for (const [i, status] of statuses.entries()) {
          const id = ds[i].id
          if (status === 'sent') await store.markSent([id], at)
          if (status === 'dead') await store.markDead(id, { errmsg: 'gone' })
          if (status === 'dry_run') await store.markDryRun([id], at)
          if (status === 'retrying') await store.markRetry(id, { nextAttemptAt: 1, errmsg: 'HTTP 502' })
        }
        return event
      }
      /** `n` old events with one sent delivery each, all prunable. */
      const seedFinished = async (n: number) => {
        const events = Array.from({ length: n }, (_, i) => sampleEvent({}, nov(1, i)))
        await Promise.all(events.map((e) => store.accept(acceptInput(e, ['a']))))
        await store.markSent((await store.waitingFor('a', n)).map((d) => d.id), nov(1))
        return events
      }

      it('deletes exactly the old finished events over several batches, ties on a boundary included, with exact totals', async () => {
        const cases: { at: Date; statuses: Status[]; pruned: boolean }[] = [
          // Five share a timestamp, so a batch of 3 ends in the middle of them.
          { at: nov(1), statuses: ['sent'], pruned: true },
          { at: nov(1), statuses: ['sent', 'dead'], pruned: true },
          { at: nov(1), statuses: ['sent', 'retrying'], pruned: false },
          { at: nov(1), statuses: [], pruned: true },
          { at: nov(1), statuses: ['dry_run'], pruned: true },
          { at: nov(2), statuses: ['pending', 'sent'], pruned: false },
          { at: nov(2), statuses: ['dead', 'dry_run', 'sent'], pruned: true },
          { at: nov(3), statuses: ['sent'], pruned: true },
          { at: nov(3, 1), statuses: ['retrying', 'retrying'], pruned: false },
          { at: nov(4), statuses: ['sent'], pruned: true },
          { at: nov(5), statuses: [], pruned: true },
          { at: recent, statuses: ['sent'], pruned: false },
        ]
        // Stored newest first, so insertion order is not received_at order.
        const state: PipelineState = { status: 'failed', event_id: 'set below' }
        const events = new Map<(typeof cases)[number], Awaited<ReturnType<typeof seed>>>()
        for (const c of [...cases].reverse()) {
          const first = c === cases[0]
          events.set(c, await seed(c.at, c.statuses, first ? { pipelineKey: 'pk', state } : {}))
        }
        const gone = cases.filter((c) => c.pruned)
        const expected = { events: gone.length, deliveries: gone.reduce((n, c) => n + c.statuses.length, 0) }
        expect(expected).toEqual({ events: 8, deliveries: 9 }) // three batches of up to 3

        expect(await store.prune(30, now, { batchSize: 3 })).toEqual(expected)
        for (const c of cases) {
          const stored = await store.getEvent(events.get(c)!.id)
          if (c.pruned) expect(stored).toBeUndefined()
          else expect(stored?.deliveries.map((d) => d.status)).toEqual(c.statuses)
        }
        const left = cases.filter((c) => !c.pruned).reduce((n, c) => n + c.statuses.length, 0)
        expect(await store.listDeliveries({ limit: 100 })).toHaveLength(left)
        expect(await store.prune(30, now, { batchSize: 3 })).toEqual({ events: 0, deliveries: 0 })
        // The pipeline's last finished state outlives the event that set it: transitions still work.
        let prev: PipelineState | undefined
        await store.accept(acceptInput(sampleEvent({}, recent), [], { pipelineKey: 'pk', decide: (p) => ((prev = p), { routing: routing() }) }))
        expect(prev).toEqual(state)
      })

      it('accepts made while a prune runs all succeed, and what they stored stays whole', async () => {
        await seedFinished(30)
        const pruning = store.prune(30, now, { batchSize: 3 })
        const arriving = Array.from({ length: 12 }, (_, i) => ({ event: sampleEvent({}, i % 2 ? nov(2) : recent), targets: i % 2 ? ['a', 'b'] : [] }))
        const accepted: Promise<AcceptResult>[] = []
        for (const a of arriving) {
          // Old enough to prune (after every seeded event, so batches still to come pass over it) but waiting, or
          // recent: either way kept, and never in part.
          accepted.push(store.accept(acceptInput(a.event, a.targets)))
          await new Promise((resolve) => setImmediate(resolve))
        }
        expect(await pruning).toEqual({ events: 30, deliveries: 30 })
        for (const r of await Promise.all(accepted)) expect(r.duplicate).toBe(false)
        for (const a of arriving) {
          expect((await store.getEvent(a.event.id))?.deliveries.map((d) => [d.target, d.status])).toEqual(a.targets.map((t) => [t, 'pending']))
        }
        expect(await store.listEvents(100)).toHaveLength(arriving.length)
      })

      it('lets the event loop turn between batches', async () => {
        await seedFinished(10)
        const pruning = store.prune(30, now, { batchSize: 3 })
        let turned = false
        setImmediate(() => (turned = true))
        expect(await pruning).toEqual({ events: 10, deliveries: 10 })
        expect(turned).toBe(true)
      })

      it('examines at most a batch of old events at a time, even when most of them are kept (a long backlog)', async () => {
        // Ten old events still waiting (a robot down), then two finished ones.
        for (let i = 0; i < 10; i++) await seed(nov(1, i), ['pending'])
        const done = [await seed(nov(2), ['sent']), await seed(nov(2, 1), ['dead'])]
        let turns = 0
        let pruning = true
        const count = () => {
          turns++
          if (pruning) setImmediate(count)
        }
        setImmediate(count)
        const result = await store.prune(30, now, { batchSize: 3 })
        pruning = false
        expect(result).toEqual({ events: 2, deliveries: 2 })
        // 12 old events, 3 per batch: the loop turned between the batches instead of one search through them all.
        expect(turns).toBeGreaterThanOrEqual(3)
        for (const e of done) expect(await store.getEvent(e.id)).toBeUndefined()
        expect((await store.queueStats()).pending).toBe(10)
      })

      it('stops after the batch in progress once its signal is aborted, with the totals so far', async () => {
        await seedFinished(10)
        const stop = new AbortController()
        const pruning = store.prune(30, now, { batchSize: 3, signal: stop.signal })
        stop.abort()
        expect(await pruning).toEqual({ events: 3, deliveries: 3 })
        expect(await store.prune(30, now, { batchSize: 3, signal: stop.signal })).toEqual({ events: 0, deliveries: 0 })
        expect(await store.prune(30, now, { batchSize: 3 })).toEqual({ events: 7, deliveries: 7 })
        await expect(store.prune(30, now, { batchSize: 0 })).rejects.toThrow(TypeError)
      })
    })

    it('answers ping, and refuses with UnavailableError once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
      await store.close()
      await expect(store.accept(acceptInput(sampleEvent(), ['a']))).rejects.toBeInstanceOf(UnavailableError)
      await expect(store.ping()).rejects.toBeInstanceOf(UnavailableError)
      await store.close() // twice is fine
    })

    describe('silences', () => {
      const T = t0.getTime()
      const silence = (over: Partial<Silence> = {}): Silence => ({
        id: `sil_${Math.random().toString(36).slice(2)}`,
        matchers: { project: 'group/**' },
        starts_at: T,
        ends_at: T + 3_600_000,
        comment: 'flaky runner',
        created_by: 'ann',
        catch_up: true,
        created_at: T,
        ...over,
      })

      it('keeps a silence as given, lists it until it ended before the given time, and expires it once', async () => {
        const s = silence({ targets: ['ops'] })
        const all = silence({ catch_up: false, comment: 'x\u00e9' })
        await store.addSilence(s)
        await store.addSilence(all)
        expect(await store.getSilence(s.id)).toEqual(s)
        expect(await store.getSilence(all.id)).toEqual(all)
        expect(await store.getSilence('sil_nope')).toBeUndefined()
        expect((await store.listSilences({ endedAfter: T })).map((x) => x.id).sort()).toEqual([s.id, all.id].sort())

        expect(await store.expireSilence(all.id, T + 60_000)).toEqual({ ...all, ends_at: T + 60_000 })
        // An end never moves later again.
        expect((await store.expireSilence(all.id, T + 120_000))?.ends_at).toBe(T + 60_000)
        expect(await store.expireSilence('sil_nope', T)).toBeUndefined()
        expect((await store.listSilences({ endedAfter: T + 60_000 })).map((x) => x.id)).toEqual([s.id])
      })

      it('marks only waiting deliveries silenced, and lists them by status with the silence id', async () => {
        const s = silence()
        await store.addSilence(s)
        const a = sampleEvent()
        const b = sampleEvent()
        await store.accept(acceptInput(a, ['ops']))
        await store.accept(acceptInput(b, ['ops']))
        const [da, db] = await store.waitingFor('ops', 10)
        await store.markSent([db.id], later(1))
        await store.markSilenced([da.id, db.id], s.id)
        expect((await store.getDelivery(da.id))?.status).toBe('silenced')
        expect((await store.getDelivery(da.id))?.muted_by).toBe(s.id)
        expect((await store.getDelivery(db.id))?.status).toBe('sent')
        expect((await store.listDeliveries({ status: 'silenced', limit: 10 })).map((d) => d.id)).toEqual([da.id])
        expect(await store.waitingFor('ops', 10)).toEqual([])
        expect((await store.queueStats()).pending).toBe(0)
        expect(await store.heldFor(s.id, 'ops', 10)).toMatchObject({ total: 1, deliveries: [{ id: da.id }] })
      })

      it('queues one catch-up per target that held something, once, only after the end', async () => {
        const s = silence()
        await store.addSilence(s)
        const events = [sampleEvent(), sampleEvent(), sampleEvent()]
        await store.accept(acceptInput(events[0], ['ops', 'dev']))
        await store.accept(acceptInput(events[1], ['ops']))
        await store.accept(acceptInput(events[2], ['quiet']))
        const held = [...(await store.waitingFor('ops', 10)), ...(await store.waitingFor('dev', 10))]
        await store.markSilenced(held.map((d) => d.id), s.id)

        expect(await store.queueCatchUp(s.id, s.ends_at - 1)).toEqual([])
        expect(await store.queueCatchUp(s.id, s.ends_at)).toEqual(['dev', 'ops'])
        expect(await store.queueCatchUp(s.id, s.ends_at + 1)).toEqual([])
        expect((await store.getSilence(s.id))?.caught_up_at).toBe(s.ends_at)
        const [ops] = await store.waitingFor('ops', 10)
        expect(ops).toMatchObject({ status: 'pending', catch_up_of: s.id, event_id: events[1].id, next_attempt_at: s.ends_at, attempts: 0 })
        expect(ops.msg_uuid).toBe(msgUuid(`catch-up:${s.id}`, 'ops'))
        expect((await store.waitingFor('dev', 10)).map((d) => [d.catch_up_of, d.event_id])).toEqual([[s.id, events[0].id]])
        expect((await store.waitingFor('quiet', 10)).map((d) => d.catch_up_of)).toEqual([undefined])
        // Once queued, a catch-up silence is listed only while it has not ended long ago.
        expect(await store.listSilences({ endedAfter: s.ends_at })).toEqual([])

        const none = silence({ catch_up: false })
        await store.addSilence(none)
        expect(await store.queueCatchUp(none.id, none.ends_at)).toEqual([])
        expect(await store.listSilences({ endedAfter: none.ends_at })).toEqual([])
      })
    })

    describe('time intervals: held deliveries and their windows', () => {
      const until = t0.getTime() + 8 * 3_600_000
      const window = `interval:night@${new Date(until).toISOString()}`
      const held = (e: ReturnType<typeof sampleEvent>, targets: string[], catch_up: 'digest' | 'drop' = 'digest') => {
        const input = acceptInput(e, targets)
        const hold = { until, reason: 'night', window, catch_up }
        return { ...input, decide: () => ({ routing: { ...routing(...targets), targets: targets.map((t) => ({ ...route(t), hold })) } }) }
      }

      it('stores a held route held until its end (never due), one window for all, and queues its catch-up once', async () => {
        const [a, b, c, d] = [sampleEvent(), sampleEvent(), sampleEvent(), sampleEvent()]
        await store.accept(held(a, ['ops', 'dev']))
        await store.accept(held(b, ['ops']))
        await store.accept(held(c, ['ops'], 'drop'))
        await store.accept(acceptInput(d, ['ops']))
        const rows = (await store.listDeliveries({ limit: 10 })).reverse()
        expect(rows.map((r) => [r.event_id, r.target, r.status, r.muted_by ?? null])).toEqual([
          [a.id, 'ops', 'held', window],
          [a.id, 'dev', 'held', window],
          [b.id, 'ops', 'held', window],
          [c.id, 'ops', 'dropped', window],
          [d.id, 'ops', 'pending', null],
        ])
        expect(rows[0].next_attempt_at).toBe(until)
        expect((await store.listDeliveries({ status: 'held', limit: 10 })).length).toBe(3)
        expect(await store.dueTargets(until + 1)).toEqual(['ops'])
        expect((await store.waitingFor('ops', 10)).map((r) => r.event_id)).toEqual([d.id])
        expect(await store.openWindows()).toEqual([{ id: window, ends_at: until }])
        // What it held, not what a drop rule dropped.
        expect(await store.heldFor(window, 'ops', 10)).toMatchObject({ total: 2, deliveries: [{ event_id: a.id }, { event_id: b.id }] })

        expect(await store.queueCatchUp(window, until - 1)).toEqual([])
        // Two replicas at once: one of them queues it.
        const both = await Promise.all([store.queueCatchUp(window, until), store.queueCatchUp(window, until)])
        expect(both.flat().sort()).toEqual(['dev', 'ops'])
        expect(both.filter((x) => x.length === 0)).toHaveLength(1)
        expect(await store.queueCatchUp(window, until + 1)).toEqual([])
        expect(await store.openWindows()).toEqual([])
        expect((await store.waitingFor('ops', 10)).map((r) => [r.event_id, r.catch_up_of ?? null])).toEqual([
          [d.id, null],
          [b.id, window],
        ])
      })

      it('an event held in a window whose catch-up was already claimed goes out at once, not held for ever', async () => {
        // a window of its own (the store may be shared by this block's tests)
        const end = until + 3_600_000
        const own = `interval:late@${new Date(end).toISOString()}`
        const heldLate = (e: ReturnType<typeof sampleEvent>) => {
          const hold = { until: end, reason: 'late', window: own, catch_up: 'digest' as const }
          return { ...acceptInput(e, ['ops']), decide: () => ({ routing: { ...routing('ops'), targets: [{ ...route('ops'), hold }] } }) }
        }
        const [a, late] = [sampleEvent(), sampleEvent()]
        await store.accept(heldLate(a))
        expect(await store.queueCatchUp(own, end)).toEqual(['ops'])
        // routed just before the end (its arrival time), committed after the claim
        await store.accept(heldLate(late))
        const row = (await store.listDeliveries({ limit: 10 })).find((d) => d.event_id === late.id)!
        expect(row.status).toBe('pending')
        expect((await store.waitingFor('ops', 10)).map((d) => d.event_id)).toContain(late.id)
      })

      it('prune keeps a held event until its window ended longer ago than the retention', async () => {
        const old = sampleEvent({}, new Date(until - 3 * 86_400_000))
        // a window of its own, not yet caught up (the store may be shared by this block's tests)
        const hold = { until, reason: 'prune', window: `interval:prune@${new Date(until).toISOString()}`, catch_up: 'digest' as const }
        await store.accept({ ...acceptInput(old, ['ops']), decide: () => ({ routing: { ...routing('ops'), targets: [{ ...route('ops'), hold }] } }) })
        // Received three days before the window's end: a one-day retention at the end keeps it (its catch-up needs it)…
        expect(await store.prune(1, new Date(until))).toEqual({ events: 0, deliveries: 0 })
        expect(await store.prune(1, new Date(until + 86_400_000 - 1))).toEqual({ events: 0, deliveries: 0 })
        // …and a day after the end lets it go.
        expect(await store.prune(1, new Date(until + 86_400_000 + 1))).toEqual({ events: 1, deliveries: 1 })
      })
    })

    describe('groups and reminders', () => {
      const T = t0.getTime()
      const grouped = (event: CommonEvent, key: string, target = 'ops'): AcceptInput => ({
        event,
        dedupeKey: event.delivery_id,
        decide: () => ({ routing: { transition: null, matched: ['r1'], targets: [route(target, { group: { rule: 'r1', key, wait_ms: 30_000 } })], unresolved: [] } }),
      })

      it('a route its time intervals hold is stored held, not grouped: no group opens for it', async () => {
        const e = sampleEvent({}, t0)
        const until = T + 3_600_000
        const hold = { until, reason: 'night', window: `interval:night@${new Date(until).toISOString()}`, catch_up: 'digest' as const }
        await store.accept({
          event: e,
          dedupeKey: e.delivery_id,
          decide: () => ({ routing: { transition: null, matched: ['r1'], targets: [route('ops', { hold, group: { rule: 'r1', key: 'k', wait_ms: 30_000 } })], unresolved: [] } }),
        })
        expect((await store.listDeliveries({ limit: 10 })).map((d) => [d.event_id, d.status])).toEqual([[e.id, 'held']])
        expect(await store.flushGroups(T + 60_000)).toEqual([])
      })

      it('holds grouped deliveries out of the queue, one open group per key, flushed once into one delivery', async () => {
        const [a, b, c] = [sampleEvent({}, t0), sampleEvent({}, later(10_000)), sampleEvent({}, later(20_000))]
        await store.accept(grouped(a, 'k1'))
        await store.accept(grouped(b, 'k2'))
        await store.accept(grouped(c, 'k1'))
        expect(await store.waitingFor('ops', 10)).toEqual([])
        expect(await store.nextTimer()).toBe(T + 30_000)
        expect(await store.flushGroups(T + 29_999)).toEqual([])
        // two replicas claiming at once: one gets the group
        const claims = await Promise.all([store.flushGroups(T + 30_000), store.flushGroups(T + 30_000)])
        expect(claims.flat()).toEqual(['ops'])
        const [d] = await store.waitingFor('ops', 10)
        expect(d).toMatchObject({ status: 'pending', event_id: c.id, next_attempt_at: T + 30_000 })
        expect((await store.groupMembers(d.group_of!, 10)).map((m) => [m.event_id, m.status])).toEqual([[a.id, 'grouped'], [c.id, 'grouped']])
        expect(await store.nextTimer()).toBe(T + 40_000)
        // after the flush the key opens a new group
        const e = sampleEvent({}, later(35_000))
        await store.accept(grouped(e, 'k1'))
        expect(await store.flushGroups(T + 70_000)).toEqual(['ops', 'ops'])
        expect((await store.listDeliveries({ status: 'grouped', limit: 10 })).map((x) => x.event_id).sort()).toEqual([a.id, b.id, c.id, e.id].sort())
      })

      it('prune keeps the run a reminder follows, and a grouped event while its group is open', async () => {
        const failed = sampleEvent({}, t0)
        await store.accept({
          event: failed,
          dedupeKey: failed.delivery_id,
          pipelineKey: 'pk-prune',
          decide: () => ({ routing: { transition: 'broken', matched: ['r1'], targets: [route('ops', { remind: { rule: 'r1', every_ms: 3_600_000 } })], unresolved: [] }, state: { status: 'failed', event_id: failed.id, failing_since: t0.toISOString() } }),
        })
        const [d] = await store.waitingFor('ops', 10)
        await store.markSent([d.id], t0)
        const g = sampleEvent({}, t0)
        await store.accept({ event: g, dedupeKey: g.delivery_id, decide: () => ({ routing: { transition: null, matched: ['r2'], targets: [route('dev', { group: { rule: 'r2', key: 'k', wait_ms: 400 * 86_400_000 } })], unresolved: [] } }) })
        // long past a one-day retention: both are still needed
        expect(await store.prune(1, new Date(T + 30 * 86_400_000))).toEqual({ events: 0, deliveries: 0 })
      })

      it('starts reminders with a failed newest run, queues each once per interval, ends them with a newer run', async () => {
        const failed = sampleEvent({}, t0)
        const remind = (event: CommonEvent, state: PipelineState | undefined): AcceptInput => ({
          event,
          dedupeKey: event.delivery_id,
          pipelineKey: 'pk',
          decide: () => ({ routing: { transition: 'broken', matched: ['r1'], targets: state?.status === 'failed' ? [route('ops', { remind: { rule: 'r1', every_ms: 60_000 } })] : [], unresolved: [] }, ...(state && { state }) }),
        })
        await store.accept(remind(failed, { status: 'failed', event_id: failed.id, failing_since: new Date(T - 5000).toISOString() }))
        expect(await store.nextTimer()).toBe(T + 60_000)
        expect(await store.queueReminders(T + 59_999)).toEqual([])
        const claims = await Promise.all([store.queueReminders(T + 60_000), store.queueReminders(T + 60_000)])
        expect(claims.flat()).toEqual(['ops'])
        const reminders = (await store.waitingFor('ops', 10)).filter((d) => d.reminder_since !== undefined)
        expect(reminders).toMatchObject([{ event_id: failed.id, reminder_since: T - 5000, next_attempt_at: T + 60_000 }])
        // late by three intervals: one reminder, the next one due after now
        expect(await store.queueReminders(T + 200_000)).toEqual(['ops'])
        expect(await store.nextTimer()).toBe(T + 240_000)
        const uuids = (await store.waitingFor('ops', 10)).filter((d) => d.reminder_since !== undefined).map((d) => d.msg_uuid)
        expect(new Set(uuids).size).toBe(2)
        // a newer finished run (a success) ends them
        const fixed = sampleEvent({ status: 'success' }, later(210_000))
        await store.accept(remind(fixed, { status: 'success', event_id: fixed.id }))
        expect(await store.nextTimer()).toBeUndefined()
        expect(await store.queueReminders(T + 10_000_000)).toEqual([])
      })

      it('endReminder silences the reminder delivery and ends its run\'s reminders to that target only', async () => {
        const decide = (target: string) => () => ({
          routing: { transition: 'broken' as const, matched: ['r1'], targets: [route(target, { remind: { rule: 'r1', every_ms: 60_000 } })], unresolved: [] },
          state: { status: 'failed' as const, event_id: 'x' },
        })
        const a = sampleEvent({}, t0)
        await store.accept({ event: a, dedupeKey: a.delivery_id, pipelineKey: 'pa', decide: decide('ops') })
        const b = sampleEvent({}, t0)
        await store.accept({ event: b, dedupeKey: b.delivery_id, pipelineKey: 'pb', decide: decide('ops') })
        expect(await store.queueReminders(T + 60_000)).toEqual(['ops', 'ops'])
        const [ra] = (await store.waitingFor('ops', 10)).filter((d) => d.reminder_since !== undefined && d.event_id === a.id)
        await store.endReminder(ra, 'rules:r1')
        expect((await store.listDeliveries({ status: 'silenced', limit: 10 })).map((d) => [d.id, d.muted_by])).toEqual([[ra.id, 'rules:r1']])
        // b's reminders go on; a's are over
        expect(await store.queueReminders(T + 120_000)).toEqual(['ops'])
        const queued = (await store.waitingFor('ops', 10)).filter((d) => d.reminder_since !== undefined).map((d) => d.event_id)
        expect(queued).toEqual([b.id, b.id])
      })
    })

    describe('after a restart', () => {
      let p: Persistent
      beforeEach(async () => {
        p = await makePersistent()
      })
      afterEach(async () => {
        await p.cleanup()
      })

      it('keeps silences and what they held', async () => {
        const first = await p.open()
        const T = t0.getTime()
        const s: Silence = { id: 'sil_restart', matchers: { branch: ['main', '!tmp/*'] }, targets: ['ops'], starts_at: T, ends_at: T + 1000, comment: 'c', created_by: 'b', catch_up: true, created_at: T }
        await first.addSilence(s)
        await first.accept(acceptInput(sampleEvent(), ['ops']))
        const [d] = await first.waitingFor('ops', 1)
        await first.markSilenced([d.id], s.id)
        await first.close()

        const second = await p.open()
        try {
          expect(await second.getSilence(s.id)).toEqual(s)
          expect((await second.getDelivery(d.id))?.muted_by).toBe(s.id)
          expect(await second.queueCatchUp(s.id, T + 1000)).toEqual(['ops'])
        } finally {
          await second.close()
        }
      })

      it('keeps events, deliveries, dedupe keys and pipeline state', async () => {
        const first = await p.open()
        const event = sampleEvent()
        const state: PipelineState = { status: 'failed', event_id: event.id }
        await first.accept(acceptInput(event, ['ops'], { pipelineKey: 'pk', decide: () => ({ routing: routing('ops'), state }) }))
        await first.close()

        const second = await p.open()
        try {
          expect(await second.accept(acceptInput(sampleEvent({ delivery_id: event.delivery_id }), ['ops']))).toEqual({ duplicate: true, event_id: event.id })
          let prev: PipelineState | undefined
          await second.accept(acceptInput(sampleEvent(), [], { pipelineKey: 'pk', decide: (p) => ((prev = p), { routing: routing() }) }))
          expect(prev).toEqual(state)
          expect(await second.dueTargets(Number.MAX_SAFE_INTEGER)).toEqual(['ops'])
          const due = await second.waitingFor('ops', 10)
          expect(due.map((d) => [d.event_id, d.target, d.msg_uuid])).toEqual([[event.id, 'ops', msgUuid(event.id, 'ops')]])
        } finally {
          await second.close()
        }
      })
    })
  })
}
