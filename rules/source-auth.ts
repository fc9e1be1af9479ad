import { createHmac } from 'node:crypto'
import { basicPair } from '../adapters/common/credential.js'
import type { Auth, Credential, RawRequest, RequestHead } from '../adapters/common/types.js'
import { parseGoDuration } from '../src/duration.js'
import { equalsSecret, safeEqual } from '../src/safe-equal.js'
import type { HmacAuth, SourceAuth } from './source-schema.js'

/** A configured source's auth: what ingest asks of every adapter (Auth), and its verify. */
export type CompiledAuth = { auth: Auth; verify(req: RawRequest, secret: string): boolean }

/** At most this many signatures in one header are tried: a header listing thousands would cost a hash each. */
const MAX_SIGNATURES = 8

/**
 * The auth of a source defined in the rules file (rules/source-schema.ts), as natives declare theirs
 * (adapters/common/credential.ts): a token or Basic credentials are checked from the head, an HMAC over the raw body
 * needs the body. Every comparison is constant-time and every candidate is compared; `verify` never throws. Messages
 * name the header and the variable, never a value. `now` (epoch ms) is the clock max_skew is measured by.
 * `kind: none` has no Auth: ingest checks nothing when a source has no secret.
 */
export function compileAuth(id: string, a: Exclude<SourceAuth, { kind: 'none' }>, now: () => number): CompiledAuth {
  switch (a.kind) {
    case 'token': {
      const where = [a.header && `the ${a.header} header`, a.query && `the ${a.query} query parameter`].filter(Boolean).join(' or ')
      const credential: Credential = { kind: 'token', header: a.header?.toLowerCase(), query: a.query }
      return {
        auth: {
          credential,
          in: 'head',
          present: (h) => (a.header !== undefined && h.headers.has(a.header)) || (a.query !== undefined && h.query.has(a.query)),
          missing: `missing token: ${id} sends it in ${where}, set to the value of ${a.secret_env}`,
          wrong: `wrong token in ${where}: it is not the value of ${a.secret_env}`,
        },
        verify: (req, secret) =>
          [a.header !== undefined ? req.headers.get(a.header) : null, a.query !== undefined ? req.query.get(a.query) : null]
            .filter((v): v is string => typeof v === 'string')
            .map((v) => equalsSecret(v, secret))
            .reduce((x, y) => x || y, false),
      }
    }
    case 'basic':
      return {
        auth: {
          credential: { kind: 'token', basic: true },
          in: 'head',
          present: (h) => /^Basic\s/i.test(h.headers.get('authorization') ?? ''),
          missing: `missing HTTP Basic credentials (Authorization: Basic …): the password is the value of ${a.secret_env}`,
          wrong: `wrong HTTP Basic credentials: the password is the value of ${a.secret_env}${a.username ? ' and the user name is the one in the rules file' : ''}`,
        },
        verify: (req, secret) => {
          const pair = basicPair(req)
          if (!pair) return false
          const userOk = a.username === undefined || safeEqual(pair.user, a.username)
          return equalsSecret(pair.password ?? '', secret) && userOk
        },
      }
    case 'hmac':
      return compileHmac(id, a, now)
  }
}

function compileHmac(id: string, a: HmacAuth, now: () => number): CompiledAuth {
  const parse = a.parse === 'raw' ? ({ kind: 'raw' } as const) : a.parse
  const skewMs = a.max_skew === undefined ? undefined : parseGoDuration(a.max_skew)
  const credential: Credential = { kind: 'hmac', header: a.header.toLowerCase(), algorithm: a.algorithm, encoding: a.encoding, ...(parse.kind === 'prefix' && { prefix: parse.prefix }) }
  const read = (h: RequestHead): { sigs: string[]; ts?: string } => {
    const value = h.headers.get(a.header) ?? ''
    if (parse.kind === 'raw') return { sigs: [value.trim()] }
    if (parse.kind === 'prefix') return { sigs: value.startsWith(parse.prefix) ? [value.slice(parse.prefix.length).trim()] : [] }
    const sigs: string[] = []
    let ts: string | undefined
    for (const pair of value.split(parse.separator)) {
      const eq = pair.indexOf('=')
      if (eq < 0) continue
      const [k, v] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]
      if (k === parse.keys.sig && sigs.length < MAX_SIGNATURES) sigs.push(v)
      else if (k === parse.keys.ts && ts === undefined) ts = v
    }
    return { sigs, ts }
  }
  return {
    auth: {
      credential,
      in: 'body',
      present: (h) => h.headers.has(a.header),
      missing: `missing ${a.header} header: ${id} signs its webhooks with the value of ${a.secret_env}`,
      wrong: `${a.header} does not match the body signed with ${a.secret_env}${skewMs !== undefined ? `, or its timestamp is more than ${a.max_skew} from our clock` : ''}: the secrets differ, or the body was changed on the way`,
    },
    verify: (req, secret) => {
      const { sigs, ts } = read(req)
      if (sigs.length === 0) return false
      if (a.signed === '{ts}.{body}' && ts === undefined) return false
      if (skewMs !== undefined && (ts === undefined || !/^\d{1,12}$/.test(ts) || Math.abs(now() - Number(ts) * 1000) > skewMs)) return false
      const text = a.signed === '{body}' ? req.body : `${ts}.${req.body}`
      const expected = createHmac(a.algorithm, secret).update(text, 'utf8').digest(a.encoding)
      // Hex is case-blind; base64 is not.
      return sigs.map((s) => safeEqual(a.encoding === 'hex' ? s.toLowerCase() : s, expected)).reduce((x, y) => x || y, false)
    },
  }
}

/** What `compileAuth` cannot say from the schema alone: keys that depend on each other. */
export function authProblems(a: SourceAuth): Array<{ path: string[]; message: string }> {
  const out: Array<{ path: string[]; message: string }> = []
  if (a.kind === 'token' && a.header === undefined && a.query === undefined) out.push({ path: [], message: 'a token needs header or query (or both): where the CI puts it' })
  if (a.kind !== 'hmac') return out
  const ts = a.parse !== 'raw' && a.parse.kind === 'kv-list' && a.parse.keys.ts !== undefined
  if (a.signed === '{ts}.{body}' && !ts) out.push({ path: ['signed'], message: '"{ts}.{body}" needs the timestamp: parse: { kind: kv-list, keys: { sig: …, ts: … } }' })
  if (a.max_skew !== undefined && !ts) out.push({ path: ['max_skew'], message: 'max_skew needs the timestamp: parse: { kind: kv-list, keys: { sig: …, ts: … } }' })
  if (a.max_skew !== undefined && parseGoDuration(a.max_skew) === undefined) out.push({ path: ['max_skew'], message: 'must be a positive duration such as 5m' })
  return out
}
