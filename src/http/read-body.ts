import { PayloadError, TooLargeError } from '../errors.js'
import type { Claim } from './body-budget.js'

/**
 * The request body as bytes, never more than `limit`, each byte counted against `claim` (the bytes of all bodies in
 * flight) before it is read: a declared Content-Length over the limit is refused before anything is read, and a body
 * without one (chunked) is read chunk by chunk and abandoned as soon as it passes either bound. (@hono/node-server
 * then drains or closes the socket, see its `drainIncoming`.)
 */
export async function readBody(req: Request, limit: number, claim: Claim): Promise<Uint8Array> {
  const declared = declaredLength(req, limit)
  // A declared length within the limit bounds the body (Node's parser never delivers more than it), so it can be read
  // in one go: @hono/node-server then reads the socket directly, without a web stream (a third of ingest's body cost).
  if (declared !== undefined) {
    claim.take(declared)
    return new Uint8Array(await readWhole(req))
  }
  if (!req.body) return new Uint8Array(0)

  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>
    try {
      r = await reader.read()
    } catch (err) {
      throw new PayloadError(`request body could not be read: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (r.done) break
    size += r.value.byteLength
    try {
      if (size > limit) throw new TooLargeError(limit)
      claim.take(r.value.byteLength)
    } catch (err) {
      // Stop the upload; a cancel failure only means the stream is already gone.
      reader.cancel().catch(() => undefined)
      throw err
    }
    chunks.push(r.value)
  }
  const body = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    body.set(c, at)
    at += c.byteLength
  }
  return body
}

/** The declared Content-Length, if any; throws TooLargeError when it is over `limit` (nothing needs to be read). */
export function declaredLength(req: Request, limit: number): number | undefined {
  const declared = Number(req.headers.get('content-length') ?? NaN)
  if (!Number.isFinite(declared)) return undefined
  if (declared > limit) throw new TooLargeError(limit)
  return declared
}

async function readWhole(req: Request): Promise<ArrayBuffer> {
  try {
    return await req.arrayBuffer()
  } catch (err) {
    throw new PayloadError(`request body could not be read: ${err instanceof Error ? err.message : String(err)}`)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Strict UTF-8 (a BOM is kept so the text re-encodes to the exact bytes a signature was computed over; the JSON
 * reader skips it). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new PayloadError('request body is not valid UTF-8')
  }
}
