import { UnsupportedMediaError } from '../../src/errors.js'

const UTF8_CHARSETS = ['utf-8', 'utf8', 'us-ascii']

/**
 * Throws UnsupportedMediaError unless the Content-Type is one the source can send: `application/json`, any
 * `…/…+json`, or one of `extra` (the source's own formats: Adapter.mediaTypes); a missing Content-Type is tried as
 * JSON. A charset other than UTF-8 is refused too (the body is decoded as strict UTF-8).
 */
export function checkMediaType(extra: readonly string[], header: string | null): void {
  if (header === null || header.trim() === '') return
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase())
  const json = type === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(type)
  const accepted = ['application/json', ...extra]
  if (!json && !extra.includes(type)) throw new UnsupportedMediaError(printable(header), accepted)
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '')
  if (charset !== undefined && !UTF8_CHARSETS.includes(charset)) throw new UnsupportedMediaError(printable(header), accepted)
}

// The header goes back in the error message: keep it short and printable.
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 100)
