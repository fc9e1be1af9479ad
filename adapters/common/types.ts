import type { ParsedEvent, Source } from '../../src/event.js'

/** The request as an adapter sees it: raw body kept for signature checks. */
export type RawRequest = {
  headers: Headers
  /** Raw body, decoded as UTF-8. */
  body: string
  query: URLSearchParams
}

/** What arrives before the body: enough to turn away a request whose credential travels in a header or the query. */
export type RequestHead = Pick<RawRequest, 'headers' | 'query'>

/** A valid event that ci-notify does not translate (push hooks, GitHub ping, Jenkins COMPLETED…): answered 200. */
export type Ignored = { ignored: string }

export const isIgnored = (r: ParsedEvent | Ignored): r is Ignored => 'ignored' in r

/**
 * How a source's secret travels, so a request without the right one costs us as little as possible: `head` (a header
 * or the query) is checked before the body is read; `body` (a signature over the raw body) needs the body, but a
 * request without the signature header at all is still turned away first. `missing` and `wrong` are the 401 answers:
 * they name the header or parameter and the setting, never a value.
 */
export type Auth = {
  in: 'head' | 'body'
  /** True when the request carries a credential at all, right or wrong. Reads the head only. */
  present(head: RequestHead): boolean
  missing: string
  wrong: string
}

/**
 * One per CI system. `verify` never throws and compares in constant time (for `auth.in === 'head'` it reads only the
 * head); `parse` is pure and throws PayloadError naming the field that is wrong.
 */
export interface Adapter {
  name: Source
  auth: Auth
  /** True when the request carries the right secret. Called only when a secret is configured. */
  verify(req: RawRequest, secret: string): boolean
  parse(req: RawRequest): ParsedEvent | Ignored
}
