import { readFileSync } from 'node:fs'
import type { Adapter, RawRequest } from './common/types.js'
import { adapters, type Source } from './index.js'

/**
 * A webhook read from a file, as `ci-notify normalize` and `ci-notify test` replay it. `headers` are
 * `"Name: value"` strings. Headers a captured body implies are filled in when not given: the source's event header
 * (Adapter.event.infer: X-Gitlab-Event from `object_kind`, X-GitHub-Event from the body's shape…), Content-Type from
 * the body. Throws a plain Error for a header without a colon or a file that cannot be read, PayloadError when an
 * event header must be inferred from a body that is not JSON.
 */
export function readPayload(source: Source | Adapter, file: string, headers: string[]): RawRequest {
  return payloadRequest(source, readFileSync(file, 'utf8'), headers)
}

/** A webhook body given as text (a file's, or one pasted into the console's playground), with its implied headers. */
export function payloadRequest(source: Source | Adapter, body: string, headers: string[]): RawRequest {
  const h = new Headers()
  for (const line of headers) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`header ${JSON.stringify(line)} must look like "Name: value"`)
    h.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  if (!h.has('content-type')) h.set('content-type', contentType(body))
  const req: RawRequest = { headers: h, body, query: new URLSearchParams() }
  const event = (typeof source === 'string' ? adapters[source] : source).event
  if (event?.infer && !h.has(event.header)) {
    const inferred = event.infer(req)
    if (inferred) h.set(event.header, inferred)
  }
  return req
}

function contentType(body: string): string {
  if (body.trimStart().startsWith('<')) return 'application/xml'
  return body.startsWith('payload=') ? 'application/x-www-form-urlencoded' : 'application/json'
}
