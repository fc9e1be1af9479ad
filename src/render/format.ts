import type { Strings } from './i18n.js'

/** `2分5秒` / `2m 5s`; zero parts are left out, under a second rounds to `0秒` / `0s`. */
export function formatDuration(seconds: number, t: Strings): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const d = t.duration
  const parts = [h ? `${h}${d.h}` : '', m ? `${m}${d.m}` : '', s || total === 0 ? `${s}${d.s}` : ''].filter(Boolean)
  return parts.join(d.sep)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
    formatters.set(timeZone, f)
  }
  return f
}

const validZone = (tz: string): boolean => {
  try {
    formatter(tz)
    return true
  } catch (e) {
    if (e instanceof RangeError) return false // unknown zone name: fall back to UTC rather than fail the delivery
    throw e
  }
}

/** `2016-08-12 23:26:29 +08:00` in `timeZone` (UTC if the zone is unknown); undefined for an unparsable time. */
export function formatTime(iso: string | undefined, timeZone: string): string | undefined {
  if (!iso) return undefined
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return undefined
  const p = Object.fromEntries(formatter(validZone(timeZone) ? timeZone : 'UTC').formatToParts(at).map((x) => [x.type, x.value]))
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.replace('GMT', '')
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${offset}`
}
