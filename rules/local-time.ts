/** A moment as a wall clock in one time zone reads it: what a time interval is matched against. */
export type LocalTime = { year: number; month: number; day: number; weekday: number; minute: number; msIntoMinute: number; daysInMonth: number }

const formats = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/** Throws RangeError for a zone Intl does not know: the check turns that into a problem at load. */
export function formatFor(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(zone, f)
  }
  return f
}

/** `ms` (epoch) on the wall clock of `zone` (an IANA name, already checked by formatFor). */
export function localTime(ms: number, zone: string): LocalTime {
  const p: Record<string, string> = {}
  for (const part of formatFor(zone).formatToParts(ms)) p[part.type] = part.value
  const year = Number(p.year)
  const month = Number(p.month)
  const sub = ((ms % 1000) + 1000) % 1000
  return {
    year,
    month,
    day: Number(p.day),
    weekday: WEEKDAYS[p.weekday],
    minute: Number(p.hour) * 60 + Number(p.minute),
    msIntoMinute: Number(p.second) * 1000 + sub,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  }
}
