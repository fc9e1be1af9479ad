import type { TargetRoute } from '../routing.js'
import type { QueueStats } from './types.js'

/**
 * SQL both stores run as is (SQLite and PostgreSQL read it alike; only the parameter marker differs). The predicate
 * is spelled exactly as the partial indexes of migration 2 are, which is what lets both planners use them.
 */
export const WAITING = `status IN ('pending', 'retrying')`

/** markSilenced(), endReminder(): the deliveries `ids` names that still wait become silenced by `mutedBy`. */
export const silenceWaitingSql = (mutedBy: string, ids: string) => `UPDATE deliveries SET status = 'silenced', muted_by = ${mutedBy}, progress = NULL WHERE id ${ids} AND ${WAITING}`

/**
 * The targets with a delivery due at `now`, in name order. A loose index scan: the recursive part hops from one
 * target to the next in `deliveries_waiting_due` (one probe each), and each target is checked for a due delivery with
 * one more probe, so the cost follows the number of targets, not the length of their queues.
 */
export const dueTargetsSql = (now: string) => `
  WITH RECURSIVE t(target) AS (
    SELECT (SELECT MIN(target) FROM deliveries WHERE ${WAITING})
    UNION ALL
    SELECT (SELECT MIN(target) FROM deliveries WHERE ${WAITING} AND target > t.target) FROM t WHERE t.target IS NOT NULL
  )
  SELECT target FROM t
  WHERE target IS NOT NULL AND EXISTS (SELECT 1 FROM deliveries d WHERE d.${WAITING} AND d.target = t.target AND d.next_attempt_at <= ${now})
  ORDER BY target`

/** Counts of the waiting deliveries by target and status, with the oldest one's creation time (served by the
 * partial indexes: the backlog only). */
export const waitingStatsSql = `SELECT target, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE ${WAITING} GROUP BY target, status`

export type WaitingStatsRow = { target: string; status: string; n: number | string; oldest: string }

/** Both stores' queueStats() from the rows of waitingStatsSql and the dead letter count. */
export function queueStatsFrom(rows: WaitingStatsRow[], dead: number): QueueStats {
  const stats: QueueStats = { pending: 0, retrying: 0, dead, waitingByTarget: {} }
  for (const r of rows) {
    const n = Number(r.n)
    if (r.status === 'pending') stats.pending += n
    else stats.retrying += n
    stats.waitingByTarget[r.target] = (stats.waitingByTarget[r.target] ?? 0) + n
    if (!stats.oldestPendingAt || r.oldest < stats.oldestPendingAt) stats.oldestPendingAt = r.oldest
  }
  return stats
}

/**
 * prune(): what keeps its event, given the cutoff in epoch ms. What waits to be sent; a `held` delivery until its
 * window ended longer ago than the cutoff: its catch-up digest reads it from the store (a weekend's hold outlasts a
 * one-day retention); a `grouped` one while its group is open (the group's message reads it); and the run a reminder
 * follows, while the pipeline stays broken (each reminder is that run's message, retitled).
 */
export const KEPT = (cutoffMs: string) =>
  `(${WAITING} OR (status = 'held' AND next_attempt_at > ${cutoffMs})
    OR (status = 'grouped' AND in_group IN (SELECT id FROM delivery_groups WHERE flushed_at IS NULL))
    OR event_id IN (SELECT event_id FROM reminders))`

/** Served by deliveries_dead. */
export const deadCountSql = `SELECT COUNT(*) AS n FROM deliveries WHERE status = 'dead'`

/** listSilences(): `$1` the end after which a silence is still listed. */
export const listSilencesSql = (p: string) =>
  `SELECT * FROM silences WHERE ends_at > ${p} OR (catch_up = 1 AND caught_up_at IS NULL) ORDER BY created_at DESC, id DESC`

/**
 * queueCatchUp(), first statement: claims the catch-up. The conditional update is the whole of the coordination
 * between replicas: the first to run it sets caught_up_at and gets one changed row; any other finds the condition
 * false (on PostgreSQL it waits for the first's row lock, then re-reads the row) and queues nothing.
 */
export const claimCatchUpSql = (at: string, id: string) =>
  `UPDATE silences SET caught_up_at = ${at} WHERE id = ${id} AND catch_up = 1 AND caught_up_at IS NULL AND ends_at <= ${at}`

/** queueCatchUp(), the same claim for a time interval's window (held_windows, one row per window, migration 5). */
export const claimWindowSql = (at: string, id: string) =>
  `UPDATE held_windows SET caught_up_at = ${at} WHERE id = ${id} AND caught_up_at IS NULL AND ends_at <= ${at}`

/** What a mute held for a catch-up: what it silenced or held, not what a `catch_up: drop` rule dropped. */
export const HELD_BY = (id: string) => `muted_by = ${id} AND status <> 'dropped'`

/** queueCatchUp(), second: per target that held something, the newest event it held (the catch-up is filed under it). */
export const heldTargetsSql = (id: string) =>
  `SELECT target, event_id FROM deliveries WHERE id IN (SELECT MAX(id) FROM deliveries WHERE ${HELD_BY(id)} GROUP BY target) ORDER BY target`

/** The windows whose catch-up is still to be queued (served by held_windows_open). */
export const openWindowsSql = `SELECT id, ends_at FROM held_windows WHERE caught_up_at IS NULL ORDER BY ends_at`

/** accept(): a held delivery's window, once (the first held delivery creates it; the others find it). */
export const insertWindowSql = (id: string, end: string) => `INSERT INTO held_windows (id, ends_at) VALUES (${id}, ${end}) ON CONFLICT (id) DO NOTHING`

/**
 * After insertWindowSql, in the accept's transaction: an event routed just before its window ended (its arrival time)
 * and committed after the window's catch-up was claimed would stay held for ever, summed up by no digest. Its held
 * deliveries in a window already caught up go out now instead. On PostgreSQL the row is read FOR SHARE: a claim in
 * flight waits for this commit and then sees these rows, or this waits for the claim and sees it.
 */
export const windowCaughtUpSql = (id: string, forShare: boolean) => `SELECT caught_up_at FROM held_windows WHERE id = ${id}${forShare ? ' FOR SHARE' : ''}`
export const releaseLateHeldSql = (event: string, window: string, due: string) =>
  `UPDATE deliveries SET status = 'pending', next_attempt_at = ${due} WHERE event_id = ${event} AND muted_by = ${window} AND status = 'held'`

/** One catch-up delivery: pending, due at once, no rules of its own (its route names only the target). */
export const insertCatchUpSql = (ps: string[]) =>
  `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, catch_up_of)
   VALUES (${ps[0]}, ${ps[1]}, 'pending', ${ps[2]}, ${ps[3]}, 0, ${ps[4]}, ${ps[5]}, ${ps[6]})`

export const catchUpRoute = (target: string): string => JSON.stringify({ target, rules: [], mentions: [], all: false })

/** A delivery as accept() inserts it: pending and due at once, or held by a time interval (TargetRoute.hold). */
export function acceptedAs(route: TargetRoute, due: number): { status: 'pending' | 'held' | 'dropped'; due: number; mutedBy: string | null } {
  const h = route.hold
  if (!h) return { status: 'pending', due, mutedBy: null }
  return { status: h.catch_up === 'drop' ? 'dropped' : 'held', due: h.until, mutedBy: h.window }
}

/** The catch-up's msgUuid: one per silence and target, so a resend after a crash is absorbed like any other. */
export const catchUpKey = (silenceId: string): string => `catch-up:${silenceId}`
