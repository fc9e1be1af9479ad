import pg from 'pg'
import { UnavailableError } from '../errors.js'

export type Queryable = pg.Pool | pg.PoolClient

/**
 * Every statement goes through here, so a database that is down, restarting or refusing a statement surfaces as one
 * typed error: UnavailableError (503 on the HTTP side: the CI retries, and nothing was accepted). The message reaches
 * the webhook caller, so it carries the server's own words and SQLSTATE, or only the errno for a network failure
 * (whose message names the database host); never the connection string. The full error stays in `cause`.
 */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  try {
    const res = await db.query<R>(sql, params)
    return res.rows
  } catch (err) {
    throw unavailable(err)
  }
}

export function unavailable(err: unknown): UnavailableError {
  if (err instanceof UnavailableError) return err
  const why =
    err instanceof pg.DatabaseError
      ? `${err.message} (${err.code})`
      : typeof (err as { code?: unknown })?.code === 'string'
        ? (err as { code: string }).code
        : err instanceof Error
          ? err.message
          : String(err)
  return new UnavailableError(`event store unavailable: ${why}`, { cause: err })
}

/**
 * Lends `fn` one pooled connection. While it is checked out, a dropped connection makes the client emit 'error' (and
 * without a listener that crashes the process, as pg's docs warn); the statement in flight fails with the same
 * error, so the listener only records it. `broken` marks the connection unusable: it is handed back with the error
 * and the pool destroys it instead of lending it again (which also frees any session lock it held).
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient, broken: (err: Error) => void) => Promise<T>): Promise<T> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw unavailable(err)
  }
  let failure: Error | undefined
  const broken = (err: Error) => void (failure ??= err)
  client.on('error', broken)
  try {
    return await fn(client, broken)
  } finally {
    client.removeListener('error', broken)
    client.release(failure)
  }
}

/**
 * Runs `fn` in one transaction on one pooled connection. Errors thrown by `fn` itself (say, the caller's decide())
 * pass through unchanged; only database failures become UnavailableError (inside `query`).
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, (client, broken) => inTransaction(client, fn, broken))
}

/** BEGIN … COMMIT on a connection the caller holds; ROLLBACK on any error, then rethrows the original error. */
export async function inTransaction<T>(
  client: pg.PoolClient,
  fn: (client: pg.PoolClient) => Promise<T>,
  onBroken: (err: Error) => void,
): Promise<T> {
  await query(client, 'BEGIN')
  try {
    const result = await fn(client)
    await query(client, 'COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(onBroken)
    throw err
  }
}

/** PostgreSQL text cannot hold NUL; JSON.stringify escapes it, bare strings (keys from payloads) need the same. */
export const pgText = (s: string): string => s.replaceAll('\u0000', '\\u0000')
