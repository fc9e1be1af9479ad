import { DeliveryError } from '../errors.js'
import type { Verdict } from '../platforms/common/types.js'

/**
 * A failed robot call, with the verdict from the errcode table. `errmsg` is what the robot (or the network) said,
 * without any URL: it is stored on the delivery and shown by the API. The message carries the redacted URL.
 */
export class RobotError extends DeliveryError {
  constructor(
    message: string,
    readonly r: {
      target: string
      verdict: Verdict
      errmsg: string
      errcode?: number
      /** Metric label: the errcode, or "network", "timeout", "http_<status>". */
      label: string
    },
  ) {
    super(message, {
      target: r.target,
      retryable: r.verdict.kind === 'retry' || r.verdict.kind === 'rate_limited',
      errcode: r.errcode,
      retryAfterMs: r.verdict.kind === 'rate_limited' ? r.verdict.waitMs : undefined,
    })
    this.name = 'RobotError'
  }
}
