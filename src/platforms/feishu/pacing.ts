/**
 * Feishu asks bots to avoid the top and the half of the hour (10:00, 17:30…), when scheduled jobs everywhere fire
 * and the bot API answers 11232 "frequency limited" from load
 * (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, 频率控制). A send due in the first
 * PEAK_MS of a half hour waits until the peak has passed: a few seconds late, instead of a retry with backoff.
 * Half hours fall on the same instants in every whole- or half-hour time zone, so UTC milliseconds tell.
 */
const HALF_HOUR_MS = 30 * 60_000
export const PEAK_MS = 5_000

export function avoidPeak(ms: number): number | undefined {
  const into = ((ms % HALF_HOUR_MS) + HALF_HOUR_MS) % HALF_HOUR_MS
  return into < PEAK_MS ? ms - into + PEAK_MS : undefined
}

/** 5 sends a second per bot. */
export const MIN_GAP_MS = 200
