import type { Hono } from 'hono'
import type { Locale } from '../locale.js'
import type { Session } from './session.js'
import type { Words } from './i18n.js'

/** What every page is rendered with; built once per request by src/console/index.tsx. */
export type View = {
  t: Words
  lang: Locale
  /** The session's CSRF token, for every form that changes something. */
  csrf: string
  /** The path of the page (for the nav and the language links). */
  path: string
  /** An ADMIN_TOKEN is set: there is a session to log out of. Otherwise the open-console banner shows. */
  guarded: boolean
  /** The rules' time zone, for every time shown. */
  timezone: string
  header: { version: string; store: 'SQLite' | 'PostgreSQL'; dryRun: boolean; workerAlive: boolean }
  flash?: string
  error?: string
}

/** A time in the rules' zone, `2026-12-05 15:04:05`; the ISO text when the zone is unknown. */
export function when(iso: string | number | undefined, timeZone: string): string {
  if (iso === undefined) return '-'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  try {
    return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    return d.toISOString()
  }
}

export type ConsoleEnv = { Variables: { view: View; session: Session } }
/** The console's Hono app: each page module adds its routes to it (src/console/index.tsx). */
export type ConsoleApp = Hono<ConsoleEnv>
