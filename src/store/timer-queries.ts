import type { Routing, TargetRoute } from '../routing.js'
import { msgUuid } from './msg-uuid.js'

// SQL both stores run for groups and reminders (migration 6, NOISE_SQL), given each store's parameter markers.
// Every claim is one conditional UPDATE … RETURNING: on PostgreSQL a second replica running it waits for the first's
// row locks, re-reads the rows and finds them claimed, so each group and each reminder is queued exactly once.

/** accept(): the group a route joins: the open one for its rule, key and target, or a new one due after its wait. */
export const joinGroupSql = (p: string[]) =>
  `INSERT INTO delivery_groups (id, rule, group_key, target, opened_at, due_at) VALUES (${p.join(', ')})
   ON CONFLICT (rule, group_key, target) WHERE flushed_at IS NULL DO UPDATE SET rule = excluded.rule RETURNING id`

/** accept(): a delivery held in its group, not waiting in the target's queue. */
export const insertGroupedSql = (p: string[]) =>
  `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, in_group)
   VALUES (${p[0]}, ${p[1]}, 'grouped', ${p[2]}, ${p[3]}, 0, ${p[4]}, ${p[5]}, ${p[6]})`

/** endReminder(): one run's reminders to one target (event id, target). */
export const endReminderSql = (eventId: string, target: string) => `DELETE FROM reminders WHERE event_id = ${eventId} AND target = ${target}`

/** accept(): a newer finished run of the pipeline ends its reminders (a failed one may start new ones below). */
export const endRemindersSql = (p: string) => `DELETE FROM reminders WHERE pipeline_key = ${p}`

export const startReminderSql = (p: string[]) =>
  `INSERT INTO reminders (pipeline_key, target, rule, event_id, route, every_ms, since, due_at) VALUES (${p.join(', ')})`

/** The parameters of startReminderSql for one route that asks for reminders. */
export function reminderParams(pipelineKey: string, route: TargetRoute, eventId: string, receivedMs: number, failingSince: string | undefined): unknown[] {
  const r = route.remind!
  const since = failingSince !== undefined && Number.isFinite(Date.parse(failingSince)) ? Date.parse(failingSince) : receivedMs
  return [pipelineKey, route.target, r.rule, eventId, JSON.stringify(route), r.every_ms, since, receivedMs + r.every_ms]
}

/** The routes of a decision that start reminders: only with the pipeline's new state (a newer finished run). */
export const remindRoutes = (routing: Routing, hasState: boolean): TargetRoute[] => (hasState ? routing.targets.filter((t) => t.remind) : [])

/** A group's id: the event that opened it and the target (an event opens at most one group per target). */
export const groupId = (eventId: string, target: string): string => `grp:${eventId}:${target}`

/** flushGroups(), first: claims the groups due. */
export const claimGroupsSql = (at: string, targets?: string) =>
  `UPDATE delivery_groups SET flushed_at = ${at} WHERE flushed_at IS NULL AND due_at <= ${at}${targets ? ` AND target = ANY(${targets})` : ''} RETURNING id, target`

/** PostgreSQL: the targets with a group due, whose locks a flush takes (in name order, as accept does) before claiming. */
export const dueGroupTargetsSql = (at: string) => `SELECT DISTINCT target FROM delivery_groups WHERE flushed_at IS NULL AND due_at <= ${at} ORDER BY target`

/** PostgreSQL: the targets with a reminder due, likewise. */
export const dueReminderTargetsSql = (at: string) => `SELECT DISTINCT target FROM reminders WHERE due_at <= ${at} ORDER BY target`

/** flushGroups(), then per group: its one delivery, pending at once, filed under its newest event with that route. */
export const insertGroupDeliverySql = (p: { uuid: string; at: string; createdAt: string; group: string }) =>
  `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, group_of)
   SELECT event_id, target, 'pending', route, ${p.uuid}, 0, ${p.at}, ${p.createdAt}, in_group FROM deliveries
   WHERE id = (SELECT MAX(id) FROM deliveries WHERE in_group = ${p.group})`

export const groupUuid = (group: string, target: string): string => msgUuid(`group:${group}`, target)

/**
 * queueReminders(), first: claims the reminders due and moves each past `at` by whole intervals (the CAST: SQLite
 * may divide a bound number as REAL).
 */
export const claimRemindersSql = (at: string, targets?: string) =>
  `UPDATE reminders SET due_at = due_at + every_ms * (CAST((${at} - due_at) / every_ms AS INTEGER) + 1), sent = sent + 1
   WHERE due_at <= ${at}${targets ? ` AND target = ANY(${targets})` : ''} RETURNING pipeline_key, target, event_id, route, since, sent`

export type ClaimedReminder = { pipeline_key: string; target: string; event_id: string; route: string; since: number | string; sent: number | string }

/** queueReminders(), then per reminder: its delivery (none if its event was pruned meanwhile). */
export const insertReminderSql = (p: string[]) =>
  `INSERT INTO deliveries (event_id, target, status, route, msg_uuid, attempts, next_attempt_at, created_at, reminder_since)
   SELECT id, ${p[1]}, 'pending', ${p[2]}, ${p[3]}, 0, ${p[4]}, ${p[5]}, ${p[6]} FROM events WHERE id = ${p[0]}`

/**
 * The parameters of insertReminderSql. The nth reminder after a failed run has a msgUuid of its own (by the run's
 * event, not the streak's start: a still-failing run starts counting again, and DingTalk would drop a repeated id).
 */
export const reminderDeliveryParams = (r: ClaimedReminder, at: number): unknown[] => [
  r.event_id,
  r.target,
  r.route,
  msgUuid(`reminder:${r.event_id}:${Number(r.sent)}`, r.target),
  at,
  new Date(at).toISOString(),
  Number(r.since),
]

export const nextTimerSql = `SELECT MIN(t) AS t FROM (
  SELECT MIN(due_at) AS t FROM delivery_groups WHERE flushed_at IS NULL
  UNION ALL SELECT MIN(due_at) AS t FROM reminders) x`

/** prune(): groups sent before the cutoff (their deliveries go with their events; the row only served the claim). */
export const prunedGroupsSql = (cutoff: string) => `DELETE FROM delivery_groups WHERE flushed_at < ${cutoff}`
