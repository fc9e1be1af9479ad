import { describe, expect, it } from 'vitest'
import { holdOf } from '../../rules/hold.js'
import { parseRules } from '../../rules/load.js'
import { route } from '../../rules/route.js'
import { compileIntervals } from '../../rules/time-interval.js'
import type { Problem } from '../../rules/problems.js'
import type { NamedTimeInterval } from '../../rules/schema.js'
import { configProblems } from './config-problems.js'
import { makeEvent } from './make-event.js'
import { NIGHT_YAML } from '../delivery/night.js'

const ms = (iso: string) => Date.parse(iso)

function interval(entries: NamedTimeInterval['time_intervals'], zone = 'UTC') {
  const problems: Problem[] = []
  const c = compileIntervals([{ name: 'i', time_intervals: entries }], zone, problems)
  expect(problems).toEqual([])
  return c.get('i')!
}

describe('time intervals (Alertmanager syntax)', () => {
  it('times: start included, end excluded; a range past midnight wraps (22:00 to 08:00)', () => {
    const night = interval([{ times: [{ start_time: '22:00', end_time: '08:00' }] }])
    expect(['21:59', '22:00', '23:59', '00:00', '07:59', '08:00', '12:00'].map((t) => night.contains(ms(`2026-12-07T${t}:00Z`)))).toEqual([false, true, true, true, true, false, false])
    const day = interval([{ times: [{ start_time: '09:00', end_time: '24:00' }] }])
    expect([day.contains(ms('2026-12-07T23:59:59Z')), day.contains(ms('2026-12-07T08:59:59Z'))]).toEqual([true, false])
  })

  it('weekdays with ranges (saturday:sunday wraps), days of month from the end, months by name or number, years', () => {
    const week = interval([{ weekdays: ['monday:wednesday', 'Friday'] }])
    // 2026-12-07 is a Monday.
    expect([7, 8, 9, 10, 11, 12, 13].map((d) => week.contains(ms(`2026-12-${String(d).padStart(2, '0')}T12:00:00Z`)))).toEqual([true, true, true, false, true, false, false])
    const weekend = interval([{ weekdays: ['saturday:sunday'] }])
    expect([11, 12, 13, 14].map((d) => weekend.contains(ms(`2026-12-${d}T12:00:00Z`)))).toEqual([false, true, true, false])
    const lastDays = interval([{ days_of_month: ['-2:-1'] }])
    expect(['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-30', '2026-03-29'].map((d) => lastDays.contains(ms(`${d}T12:00:00Z`)))).toEqual([false, true, true, true, false])
    const months = interval([{ months: ['june:august', 12], years: ['2026:2027'] }])
    expect(['2026-07-01', '2026-12-31', '2026-09-01', '2028-07-01'].map((d) => months.contains(ms(`${d}T12:00:00Z`)))).toEqual([true, true, false, false])
  })

  it('reads times and days in its location (Asia/Shanghai is UTC+8), else in defaults.timezone', () => {
    const entries = [{ times: [{ start_time: '22:00', end_time: '08:00' }], weekdays: ['monday:friday'] }]
    const shanghai = interval([{ ...entries[0], location: 'Asia/Shanghai' }])
    // Monday 23:30 in Shanghai is Monday 15:30 UTC; Saturday 01:00 in Shanghai is Friday 17:00 UTC (not a weekday there); 11:00 there is day.
    expect([shanghai.contains(ms('2026-12-07T15:30:00Z')), shanghai.contains(ms('2026-12-11T17:00:00Z')), shanghai.contains(ms('2026-12-07T03:00:00Z'))]).toEqual([true, false, false])
    const byDefault = interval(entries, 'Asia/Shanghai')
    expect(byDefault.contains(ms('2026-12-07T15:30:00Z'))).toBe(true)
  })

  it('a hold ends at the local time across a daylight saving change (Europe/Berlin, 2026-03-29)', () => {
    const night = { ...interval([{ times: [{ start_time: '22:00', end_time: '08:00' }], location: 'Europe/Berlin' }]), name: 'night' }
    // 00:00 CET (23:00 UTC); clocks go from 02:00 to 03:00; 08:00 CEST is 06:00 UTC.
    expect(holdOf({ mute: [night], active: [], catchUp: 'digest' }, ms('2026-03-28T23:00:00Z'))?.until).toBe(ms('2026-03-29T06:00:00Z'))
    // And back in October: 08:00 CET is 07:00 UTC.
    expect(holdOf({ mute: [night], active: [], catchUp: 'digest' }, ms('2026-10-24T22:00:00Z'))?.until).toBe(ms('2026-10-25T07:00:00Z'))
  })

  it('a hold lasts until the first unmuted moment: the end of the night, across a weekend, or outside the active hours', () => {
    const night = interval([{ times: [{ start_time: '22:00', end_time: '08:00' }], location: 'Asia/Shanghai' }])
    const h = holdOf({ mute: [{ ...night, name: 'night' }], active: [], catchUp: 'digest' }, ms('2026-12-07T15:30:00Z'))
    expect(h).toEqual({ until: ms('2026-12-08T00:00:00Z'), reason: 'night', window: 'interval:night@2026-12-08T00:00:00.000Z', catch_up: 'digest' })
    expect(holdOf({ mute: [{ ...night, name: 'night' }], active: [], catchUp: 'digest' }, ms('2026-12-07T03:00:00Z'))).toBeUndefined()
    const work = { ...interval([{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '18:00' }] }]), name: 'work' }
    // Friday 19:00 UTC → Monday 09:00 UTC.
    expect(holdOf({ mute: [], active: [work], catchUp: 'drop' }, ms('2026-12-11T19:00:00Z'))).toEqual({
      until: ms('2026-12-14T09:00:00Z'),
      reason: 'outside work',
      window: 'interval:outside work@2026-12-14T09:00:00.000Z',
      catch_up: 'drop',
    })
  })
})

const FILE = `targets:
  dev: { type: dingtalk, webhook: "" }
  ops: { type: dingtalk, webhook: "" }
${NIGHT_YAML}rules:
  - name: quiet
    match: { project: "group/**" }
    notify: [dev]
    mute_time_intervals: [night]
    continue: true
  - name: loud
    match: { status: failed, project: "group/loud" }
    notify: [dev, ops]
`

describe('rules: mute_time_intervals', () => {
  const rules = parseRules(FILE, { file: 'r.yaml', env: {} })
  it('a target is held only when every rule that reached it is muted then', () => {
    const at = '2026-12-07T15:30:00.000Z' // 23:30 in Shanghai
    const held = route(makeEvent({ received_at: at }), rules, undefined).routing.targets
    expect(held).toEqual([expect.objectContaining({ target: 'dev', hold: { until: ms('2026-12-08T00:00:00Z'), reason: 'night', window: 'interval:night@2026-12-08T00:00:00.000Z', catch_up: 'digest' } })])
    const loud = route(makeEvent({ received_at: at, project: { name: 'loud', path: 'group/loud' } }), rules, undefined).routing.targets
    expect(loud.map((t) => [t.target, t.hold])).toEqual([
      ['dev', undefined],
      ['ops', undefined],
    ])
    expect(route(makeEvent({ received_at: '2026-12-07T03:00:00.000Z' }), rules, undefined).routing.targets[0].hold).toBeUndefined()
  })

  it('ci-notify check: unknown names with did-you-mean, bad times, days and zones, each at file:line:col', () => {
    const bad = FILE.replace('mute_time_intervals: [night]', 'mute_time_intervals: [nigth]\n    active_time_intervals: [office]')
      .replace('"08:00"', '"8:00"')
      .replace('location: Asia/Shanghai', 'location: Asia/Shangai\n        weekdays: [monday:fryday]\n        days_of_month: ["5:1", 0]')
    expect(configProblems(bad, { file: 'r.yaml' })).toEqual([
      'r.yaml:7:50: time_intervals[0].time_intervals[0].times[0].end_time: "8:00" is not a time of day: write HH:MM from 00:00 to 23:59 (or 24:00 for the end of the day)',
      'r.yaml:8:19: time_intervals[0].time_intervals[0].location: unknown time zone "Asia/Shangai": give an IANA name such as Asia/Shanghai, Europe/Berlin or UTC',
      'r.yaml:9:20: time_intervals[0].time_intervals[0].weekdays[0]: "fryday" is not a weekday (monday … sunday), did you mean "friday"?',
      'r.yaml:10:25: time_intervals[0].time_intervals[0].days_of_month[0]: range "5:1" runs backwards: write the earlier end first',
      'r.yaml:10:32: time_intervals[0].time_intervals[0].days_of_month[1]: "0" is not a day of the month (1 … 31, or -1 … -31 from the end)',
      'r.yaml:15:27: rules[0].mute_time_intervals[0]: unknown time interval "nigth", did you mean "night"?',
      'r.yaml:16:29: rules[0].active_time_intervals[0]: unknown time interval "office"; time_intervals are night',
    ])
    const noop = parseRules(FILE.replace('notify: [dev, ops]', 'notify: [dev, ops]\n    catch_up: drop'), { file: 'r.yaml', env: {} })
    expect(noop.warnings).toEqual(['r.yaml:18:15: rules[1].catch_up: has no effect: "loud" has no mute_time_intervals or active_time_intervals (a silence\'s catch-up is set on the silence)'])
    const typo = FILE.replace('mute_time_intervals: [night]', 'mute_time_intervals: [nigth]')
    expect(configProblems(typo, { file: 'r.yaml' })).toEqual(['r.yaml:13:27: rules[0].mute_time_intervals[0]: unknown time interval "nigth", did you mean "night"?'])
  })
})
