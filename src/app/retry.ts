import { HTTPException } from 'hono/http-exception'
import type { AppDeps } from './deps.js'
import { PayloadError } from '../errors.js'

type Deps = Pick<AppDeps, 'store' | 'wake'>

/** How many dead letters "retry all dead for this target" puts back at most in one go (newest first). */
export const RETRY_ALL_LIMIT = 1000

/**
 * A dead letter back to `pending`, due at once, and the worker woken: `POST /api/deliveries/:id/retry` and the
 * console's Retry. Throws a 404 for an unknown id and a 409 for a delivery that is not dead (only those can be retried).
 */
export async function retryDead(deps: Deps, id: number): Promise<void> {
  if (await deps.store.requeue(id)) {
    deps.wake()
    return
  }
  const found = await deps.store.getDelivery(id)
  if (!found) throw new HTTPException(404, { message: `no delivery with id ${id}` })
  throw new HTTPException(409, { message: `delivery ${id} is ${found.status}, not dead: only dead letters can be retried` })
}

/** Every dead letter of one target back to `pending` (after a robot outage), oldest first; how many went back. */
export async function retryDeadFor(deps: Deps, target: string): Promise<number> {
  const dead = await deps.store.listDeliveries({ status: 'dead', limit: RETRY_ALL_LIMIT })
  let n = 0
  // Oldest first, so the worker's per-target order (by id) is the order they first arrived in.
  for (const d of dead.filter((x) => x.target === target).reverse()) if (await deps.store.requeue(d.id)) n++
  if (n) deps.wake()
  return n
}

/** A delivery id from a path: a positive integer, else a 400 naming what came. */
export function parseDeliveryId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw new PayloadError(`delivery id must be a positive integer, got "${raw.slice(0, 20)}"`)
  return Number(raw)
}
