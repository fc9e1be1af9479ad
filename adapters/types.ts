import type { ParsedEvent, Source } from '../src/event.js'

/** The request as an adapter sees it: raw body kept for signature checks. */
export type RawRequest = {
  headers: Headers
  /** Raw body, decoded as UTF-8. */
  body: string
  query: URLSearchParams
}

/** A valid event that ci-notify does not translate (push hooks, GitHub ping, Jenkins COMPLETED…): answered 200. */
export type Ignored = { ignored: string }

export const isIgnored = (r: ParsedEvent | Ignored): r is Ignored => 'ignored' in r

/**
 * One per CI system. `verify` never throws and compares in constant time; `parse` is pure and throws PayloadError
 * naming the field that is wrong.
 */
export interface Adapter {
  name: Source
  /** True when the request carries the right secret. Called only when a secret is configured. */
  verify(req: RawRequest, secret: string): boolean
  parse(req: RawRequest): ParsedEvent | Ignored
}
