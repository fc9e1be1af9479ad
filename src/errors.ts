import { HTTPException } from 'hono/http-exception'

/**
 * Typed errors. HTTP-facing ones carry their status and are turned into a JSON answer in one place
 * (`src/http/on-error.ts`). None of them ever carries a secret: messages name the field or the problem, never a value
 * that came from configuration.
 */

/** 400: the body or a header is not what the source sends; the message names the field or the format problem. */
export class PayloadError extends HTTPException {
  constructor(message: string) {
    super(400, { message })
  }
}

/** 401: missing or wrong secret. Names the header or parameter and the setting, never the expected value. */
export class AuthError extends HTTPException {
  constructor(message = 'missing or invalid webhook secret') {
    super(401, { message })
  }
}

/** 413: body over the configured limit. */
export class TooLargeError extends HTTPException {
  constructor(limit: number) {
    super(413, { message: `request body exceeds the limit of ${limit} bytes (BODY_LIMIT)` })
  }
}

/** 415: a content type we cannot read; `accepted` lists what this source may send. */
export class UnsupportedMediaError extends HTTPException {
  constructor(contentType: string, accepted: string[] = ['application/json']) {
    super(415, { message: `unsupported content type "${contentType}": send ${accepted.join(' or ')} (charset utf-8)` })
  }
}

/**
 * 503: the event cannot be taken right now (the store is down, too many bodies in flight); the CI should retry after
 * `retryAfterS` (answered as Retry-After). Nothing was accepted.
 */
export class UnavailableError extends HTTPException {
  readonly retryAfterS: number
  constructor(message: string, options?: { cause?: unknown; retryAfterS?: number }) {
    super(503, { message, cause: options?.cause })
    this.retryAfterS = options?.retryAfterS ?? 5
  }
}

/** 503 because too many webhook bytes are being received at once (IN_FLIGHT_LIMIT), not because of the store. */
export class BusyError extends UnavailableError {}

/** A delivery attempt failed. `retryable` comes from the platform's reading of the reply (src/platforms/<name>). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly o: {
      target: string
      retryable: boolean
      errcode?: number
      /** Wait at least this long before the next attempt (rate-limit blocks). */
      retryAfterMs?: number
      cause?: unknown
    },
  ) {
    super(message, { cause: o.cause })
    this.name = 'DeliveryError'
  }
}

/** Rules file or settings problem: message carries file:line:col and the path of the bad key. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message)
    this.name = 'ConfigError'
  }
}
