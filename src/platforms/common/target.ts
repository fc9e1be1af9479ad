import { z } from 'zod'
import { Locale } from '../../locale.js'

const d = (description: string) => ({ description })

/**
 * The keys every target has, whatever its platform. `maxRate` is what the platform's robot takes per minute (and the
 * default); a higher `rate_per_minute` is an error, a lower one is how ops share a robot with another sender.
 */
export function targetCommon(o: { maxRate: number; defaultRate?: number; label: string }) {
  return {
    webhook: z.string().meta(d(`${o.label} webhook URL (carries the credential: use \${VAR}); empty = dry run, messages are only logged`)),
    rate_per_minute: z
      .number()
      .int()
      .min(1)
      .max(o.maxRate)
      .default(o.defaultRate ?? o.maxRate)
      .meta(d(`Messages per minute this robot may take (${o.label} allows ${o.maxRate})`)),
    locale: Locale.optional(),
    timezone: z.string().optional(),
  }
}

export { d as describe }
