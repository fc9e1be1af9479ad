/**
 * The quiet night the time-interval tests share: 22:00 to 08:00 in Shanghai, starting the clock at 23:00 there
 * (a Monday) so what arrives is held until NIGHT_END.
 */
export const NIGHT_START = Date.parse('2026-12-07T15:00:00Z')
/** 08:00 in Shanghai. */
export const NIGHT_END = Date.parse('2026-12-08T00:00:00Z')
export const NIGHT_WINDOW = 'interval:night@2026-12-08T00:00:00.000Z'

/** The `time_intervals:` block naming it `night`. */
export const NIGHT_YAML = `time_intervals:
  - name: night
    time_intervals:
      - times: [{ start_time: "22:00", end_time: "08:00" }]
        location: Asia/Shanghai
`
