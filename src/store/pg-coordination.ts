import type pg from 'pg'
import { query } from './pg-query.js'
import type { BucketState } from './types.js'

/**
 * What replicas sharing one database coordinate on, per target: who sends (a lease with expiry) and the robot's rate
 * budget (the send times inside its sliding window). Times are the caller's epoch ms, so tests drive them with an injected clock.
 */

/**
 * One atomic upsert: the row becomes ours if it is missing, already ours (a renewal) or expired; RETURNING tells us
 * which. Two replicas racing on a missing row: the second waits on the first's insert, then finds an unexpired lease
 * held by another owner and gets no row. A replica that dies simply stops renewing; another takes over at expiry.
 */
export async function leaseTarget(pool: pg.Pool, target: string, owner: string, expiresAt: number, now: number): Promise<boolean> {
  const rows = await query(
    pool,
    `INSERT INTO target_leases (target, owner, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (target) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE target_leases.owner = excluded.owner OR target_leases.expires_at <= $4
     RETURNING owner`,
    [target, owner, expiresAt, now],
  )
  return rows.length === 1
}

export async function loadBucket(pool: pg.Pool, target: string): Promise<BucketState | undefined> {
  const rows = await query<{ sends: string; blocked_until: string | null }>(
    pool,
    'SELECT sends, blocked_until FROM rate_buckets WHERE target = $1',
    [target],
  )
  const r = rows[0]
  if (!r) return undefined
  const state: BucketState = { sends: (JSON.parse(r.sends) as number[]).map(Number) }
  if (r.blocked_until != null) state.blockedUntil = Number(r.blocked_until)
  return state
}

/** Written only by the target's lease holder, so a plain upsert is enough. Times are whole ms (BIGINT columns). */
export async function saveBucket(pool: pg.Pool, target: string, state: BucketState): Promise<void> {
  await query(
    pool,
    `INSERT INTO rate_buckets (target, sends, blocked_until) VALUES ($1, $2, $3)
     ON CONFLICT (target) DO UPDATE SET sends = excluded.sends, blocked_until = excluded.blocked_until`,
    [target, JSON.stringify(state.sends.map(Math.round)), state.blockedUntil === undefined ? null : Math.round(state.blockedUntil)],
  )
}
