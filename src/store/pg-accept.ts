import type pg from 'pg'
import type { PipelineState } from '../routing.js'
import { msgUuid } from './msg-uuid.js'
import { requestColumn } from './rows.js'
import { acceptedAs, insertWindowSql, releaseLateHeldSql, windowCaughtUpSql } from './queries.js'
import { pgText, query, transaction } from './pg-query.js'
import { endRemindersSql, groupId, insertGroupedSql, joinGroupSql, reminderParams, remindRoutes, startReminderSql } from './timer-queries.js'
import type { AcceptInput, AcceptResult } from './types.js'

/**
 * The accept transaction on PostgreSQL, safe with any number of replicas on one database:
 * 1. The event row is inserted first, `ON CONFLICT (source, dedupe_key) DO NOTHING`: the unique index decides which
 *    replica owns a redelivered webhook. A concurrent insert of the same key waits for the first transaction and then
 *    finds the conflict, so there is no read-then-write window. (Its routing is filled in before COMMIT, so no other
 *    session ever sees the row without it.)
 * 2. A transaction-scoped advisory lock on the pipeline key makes replicas receiving events of one pipeline compute
 *    their transitions one after the other; each reads the state the previous one committed (READ COMMITTED takes a
 *    fresh snapshot per statement). decide(prev) runs with the lock held.
 * 3. Advisory locks on each target, in name order, before the deliveries take their ids: per target, ids are then
 *    committed in id order, so a worker that sees delivery N of a target will never later find an N-1 that was
 *    still in flight on another replica (per-target order across replicas).
 * 4. Grouped routes join their group (see below), and the pipeline's reminders are ended or started, under its lock.
 * Locks are taken in one order (dedupe key, pipeline, targets by name) and each transaction holds one dedupe key and
 * one pipeline, so accepts cannot deadlock each other.
 */
export async function acceptPg(pool: pg.Pool, input: AcceptInput): Promise<AcceptResult> {
  const { event, decide } = input
  const dedupeKey = pgText(input.dedupeKey)
  const pipelineKey = input.pipelineKey === undefined ? undefined : pgText(input.pipelineKey)
  const outcome = await transaction(pool, async (tx): Promise<AcceptResult | 'raced'> => {
    const inserted = await query(
      tx,
      `INSERT INTO events (id, source, dedupe_key, received_at, event, routing, request) VALUES ($1, $2, $3, $4, $5, '', $6)
       ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING id`,
      [event.id, event.source, dedupeKey, event.received_at, JSON.stringify(event), requestColumn(input)],
    )
    if (inserted.length === 0) {
      const dup = await query<{ id: string }>(tx, 'SELECT id FROM events WHERE source = $1 AND dedupe_key = $2', [
        event.source,
        dedupeKey,
      ])
      // Empty only if the first copy was pruned between our insert and this read: try again as a new event.
      return dup[0] ? { duplicate: true, event_id: dup[0].id } : 'raced'
    }

    let prev: PipelineState | undefined
    if (pipelineKey !== undefined) {
      await query(tx, `SELECT pg_advisory_xact_lock(hashtextextended('ci-notify:pipeline:' || current_schema() || ':' || $1, 0))`, [pipelineKey])
      const rows = await query<{ state: string }>(tx, 'SELECT state FROM pipeline_state WHERE pipeline_key = $1', [pipelineKey])
      prev = rows[0] ? (JSON.parse(rows[0].state) as PipelineState) : undefined
    }
    const decision = decide(prev)

    await query(tx, 'UPDATE events SET routing = $2 WHERE id = $1', [event.id, JSON.stringify(decision.routing)])
    if (pipelineKey !== undefined && decision.state) {
      await query(
        tx,
        `INSERT INTO pipeline_state (pipeline_key, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (pipeline_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [pipelineKey, JSON.stringify(decision.state), event.received_at],
      )
    }
    const targets = decision.routing.targets
    for (const name of [...new Set(targets.map((r) => r.target))].sort()) {
      await lockTarget(tx, name)
    }
    const due = Date.parse(event.received_at) || 0
    // A route held by its time intervals is stored held (its catch-up sums it up); otherwise a grouped one joins its group.
    const now = targets.filter((r) => r.hold || !r.group)
    if (now.length > 0) {
      const as = now.map((r) => acceptedAs(r, due))
      await query(
        tx,
        `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, muted_by)
         SELECT $1, t.target, t.status, t.route, t.msg_uuid, 0, t.due, $2, t.muted_by
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[]) WITH ORDINALITY AS t(target, route, msg_uuid, status, due, muted_by, n)
         ORDER BY t.n`,
        [
          event.id,
          event.received_at,
          now.map((r) => r.target),
          now.map((r) => JSON.stringify(r)),
          now.map((r) => msgUuid(event.id, r.target)),
          as.map((a) => a.status),
          as.map((a) => a.due),
          as.map((a) => a.mutedBy),
        ],
      )
      for (const a of as) if (a.status === 'held') await query(tx, insertWindowSql('$1', '$2'), [a.mutedBy, a.due])
      for (const w of new Set(as.flatMap((a) => (a.status === 'held' ? [a.mutedBy!] : [])))) {
        const [row] = await query<{ caught_up_at: string | null }>(tx, windowCaughtUpSql('$1', true), [w])
        if (row?.caught_up_at != null) await query(tx, releaseLateHeldSql('$1', '$2', '$3'), [event.id, w, due])
      }
    }
    // A grouped route joins its group's one open row (an upsert on the unique index of open groups): replicas
    // accepting events of one group at once join one row, and a flush that claims it waits for this commit.
    for (const r of targets.filter((t) => t.group && !t.hold)) {
      const g = r.group!
      const [{ id }] = await query<{ id: string }>(tx, joinGroupSql(['$1', '$2', '$3', '$4', '$5', '$6']), [groupId(event.id, r.target), g.rule, g.key, r.target, due, due + g.wait_ms])
      await query(tx, insertGroupedSql(['$1', '$2', '$3', '$4', '$5', '$6', '$7']), [event.id, r.target, JSON.stringify(r), msgUuid(event.id, r.target), due, event.received_at, id])
    }
    // Under the pipeline's lock: a newer finished run ends its reminders, a failed one may start new ones.
    if (pipelineKey !== undefined && decision.state) {
      await query(tx, endRemindersSql('$1'), [pipelineKey])
      for (const r of remindRoutes(decision.routing, true)) {
        await query(tx, startReminderSql(['$1', '$2', '$3', '$4', '$5', '$6', '$7', '$8']), reminderParams(pipelineKey, r, event.id, due, decision.state.failing_since))
      }
    }
    return { duplicate: false, event_id: event.id, routing: decision.routing }
  })
  return outcome === 'raced' ? acceptPg(pool, input) : outcome
}

/** The transaction-scoped lock on a target taken before its deliveries get ids (3. above; flushes and reminders too). */
export async function lockTarget(tx: pg.PoolClient, target: string): Promise<void> {
  await query(tx, `SELECT pg_advisory_xact_lock(hashtextextended('ci-notify:target:' || current_schema() || ':' || $1, 0))`, [target])
}
