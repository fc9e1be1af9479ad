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

/** 401: missing or wrong secret. Says nothing about the expected secret. */
export class AuthError extends HTTPException {
  constructor(message = 'missing or invalid webhook secret') {
    super(401, { message })
  }
}

/** 413: body over the configured limit. */
export class TooLargeError extends HTTPException {
  constructor(limit: number) {
    super(413, { message: `request body exceeds the limit of ${limit} bytes` })
  }
}

/** 415: a content type we cannot read. */
export class UnsupportedMediaError extends HTTPException {
  constructor(contentType: string) {
    super(415, { message: `unsupported content type "${contentType}"` })
  }
}

/** 503: the store cannot take the event right now; the CI should retry. Nothing was accepted. */
export class UnavailableError extends HTTPException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, { message, cause: options?.cause })
  }
}

/** A delivery attempt failed. `retryable` comes from one errcode table (src/delivery/classify.ts). */
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
