import type { QueueStats } from './types.js'

/**
 * SQL both stores run as is (SQLite and PostgreSQL read it alike; only the parameter marker differs). The predicate
 * is spelled exactly as the partial indexes of migration 2 are, which is what lets both planners use them.
 */
export const WAITING = `status IN ('pending', 'retrying')`

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

/** queueCatchUp(), second: per target that held something, the newest event it held (the catch-up is filed under it). */
export const heldTargetsSql = (id: string) =>
  `SELECT target, event_id FROM deliveries WHERE id IN (SELECT MAX(id) FROM deliveries WHERE muted_by = ${id} GROUP BY target) ORDER BY target`

/** One catch-up delivery: pending, due at once, no rules of its own (its route names only the target). */
export const insertCatchUpSql = (ps: string[]) =>
  `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, catch_up_of)
   VALUES (${ps[0]}, ${ps[1]}, 'pending', ${ps[2]}, ${ps[3]}, 0, ${ps[4]}, ${ps[5]}, ${ps[6]})`

export const catchUpRoute = (target: string): string => JSON.stringify({ target, rules: [], mentions: [], all: false })

/** The catch-up's msgUuid: one per silence and target, so a resend after a crash is absorbed like any other. */
export const catchUpKey = (silenceId: string): string => `catch-up:${silenceId}`
