import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { RawRequest } from '../../adapters/common/types.js'
import { compileAuth } from '../../rules/source-auth.js'
import { SourceAuth } from '../../rules/source-schema.js'

/** Each auth kind of a configured source: right passes, wrong, missing or stale fails; messages never hold the secret. */
const SECRET = 'cfg-secret-41c7e2'
const BODY = '{"build":{"id":"b-1"}}'
const NOW = 1_765_000_000_000

const req = (headers: Record<string, string>, query = '', body = BODY): RawRequest => ({ headers: new Headers(headers), query: new URLSearchParams(query), body })
const compiled = (auth: unknown, now = () => NOW) => {
  const a = SourceAuth.parse(auth)
  if (a.kind === 'none') throw new Error('none has no auth')
  return compileAuth('ci', a, now)
}
const mac = (alg: string, text: string, enc: 'hex' | 'base64' = 'hex', key = SECRET) => createHmac(alg, key).update(text).digest(enc)

describe('token', () => {
  const a = compiled({ kind: 'token', header: 'X-Ci-Token', query: 'token', secret_env: 'T' })
  it('in the header or the query; any one right is enough', () => {
    expect(a.verify(req({ 'x-ci-token': SECRET }), SECRET)).toBe(true)
    expect(a.verify(req({}, `token=${SECRET}`), SECRET)).toBe(true)
    expect(a.verify(req({ 'x-ci-token': 'wrong' }, `token=${SECRET}`), SECRET)).toBe(true)
    expect(a.verify(req({ 'x-ci-token': 'wrong' }), SECRET)).toBe(false)
    expect(a.verify(req({ 'x-ci-token': SECRET + 'x' }), SECRET)).toBe(false)
    expect(a.verify(req({}), SECRET)).toBe(false)
  })
  it('is checked from the head; present() sees either place; messages name the places and the variable only', () => {
    expect(a.auth.in).toBe('head')
    expect(a.auth.present({ headers: new Headers(), query: new URLSearchParams('token=') })).toBe(true)
    expect(a.auth.present({ headers: new Headers(), query: new URLSearchParams() })).toBe(false)
    expect(a.auth.missing).toBe('missing token: ci sends it in the X-Ci-Token header or the token query parameter, set to the value of T')
    expect(a.auth.wrong).not.toContain(SECRET)
  })
})

describe('hmac', () => {
  it('raw hex sha256 over the body (Gitea-style), case-blind hex', () => {
    const a = compiled({ kind: 'hmac', header: 'X-Sig', secret_env: 'S' })
    expect(a.auth.in).toBe('body')
    expect(a.verify(req({ 'x-sig': mac('sha256', BODY) }), SECRET)).toBe(true)
    expect(a.verify(req({ 'x-sig': mac('sha256', BODY).toUpperCase() }), SECRET)).toBe(true)
    expect(a.verify(req({ 'x-sig': mac('sha256', BODY, 'hex', 'other') }), SECRET)).toBe(false)
    expect(a.verify(req({ 'x-sig': mac('sha256', BODY) }, '', BODY + ' '), SECRET)).toBe(false)
  })

  it('prefix, sha1 and sha512, base64', () => {
    const p = compiled({ kind: 'hmac', header: 'X-Sig', parse: { kind: 'prefix', prefix: 'sha1=' }, algorithm: 'sha1', secret_env: 'S' })
    expect(p.verify(req({ 'x-sig': `sha1=${mac('sha1', BODY)}` }), SECRET)).toBe(true)
    expect(p.verify(req({ 'x-sig': mac('sha1', BODY) }), SECRET)).toBe(false)
    const b = compiled({ kind: 'hmac', header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', secret_env: 'S' })
    expect(b.verify(req({ 'x-sig': mac('sha512', BODY, 'base64') }), SECRET)).toBe(true)
    expect(b.verify(req({ 'x-sig': mac('sha512', BODY) }), SECRET)).toBe(false)
    expect(b.auth.credential).toMatchObject({ kind: 'hmac', algorithm: 'sha512', encoding: 'base64' })
  })

  it('kv-list: CircleCI "v1=<hex>[,v2=…]", any v1 right is enough', () => {
    const a = compiled({ kind: 'hmac', header: 'circleci-signature', parse: { kind: 'kv-list', keys: { sig: 'v1' } }, secret_env: 'S' })
    expect(a.verify(req({ 'circleci-signature': `v1=${mac('sha256', BODY)}` }), SECRET)).toBe(true)
    expect(a.verify(req({ 'circleci-signature': `v2=abc, v1=${'0'.repeat(64)}, v1=${mac('sha256', BODY)}` }), SECRET)).toBe(true)
    expect(a.verify(req({ 'circleci-signature': `v2=${mac('sha256', BODY)}` }), SECRET)).toBe(false)
  })

  it('Buildkite "timestamp=T,signature=hex(HMAC(T.body))" within max_skew of the injected clock', () => {
    const now = { ms: NOW }
    const a = compiled(
      { kind: 'hmac', header: 'X-Buildkite-Signature', parse: { kind: 'kv-list', keys: { ts: 'timestamp', sig: 'signature' } }, signed: '{ts}.{body}', max_skew: '5m', secret_env: 'S' },
      () => now.ms,
    )
    const ts = String(NOW / 1000)
    const header = `timestamp=${ts},signature=${mac('sha256', `${ts}.${BODY}`)}`
    expect(a.verify(req({ 'x-buildkite-signature': header }), SECRET)).toBe(true)
    // the body alone signed is not the scheme
    expect(a.verify(req({ 'x-buildkite-signature': `timestamp=${ts},signature=${mac('sha256', BODY)}` }), SECRET)).toBe(false)
    now.ms = NOW + 5 * 60_000
    expect(a.verify(req({ 'x-buildkite-signature': header }), SECRET)).toBe(true)
    now.ms = NOW + 5 * 60_000 + 1000
    expect(a.verify(req({ 'x-buildkite-signature': header }), SECRET)).toBe(false)
    now.ms = NOW - 6 * 60_000
    expect(a.verify(req({ 'x-buildkite-signature': header }), SECRET)).toBe(false)
    expect(a.auth.wrong).toBe('X-Buildkite-Signature does not match the body signed with S, or its timestamp is more than 5m from our clock: the secrets differ, or the body was changed on the way')
  })
})

describe('basic', () => {
  const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString('base64')}` })
  it('the password is the secret; a user name, when written, must match too', () => {
    const any = compiled({ kind: 'basic', secret_env: 'P' })
    expect(any.verify(req(basic(`azure:${SECRET}`)), SECRET)).toBe(true)
    expect(any.verify(req(basic(`azure:nope`)), SECRET)).toBe(false)
    expect(any.verify(req(basic(SECRET)), SECRET)).toBe(false)
    const named = compiled({ kind: 'basic', username: 'azure', secret_env: 'P' })
    expect(named.verify(req(basic(`azure:${SECRET}`)), SECRET)).toBe(true)
    expect(named.verify(req(basic(`other:${SECRET}`)), SECRET)).toBe(false)
    expect(named.auth.present({ headers: new Headers(basic('x:y')), query: new URLSearchParams() })).toBe(true)
    expect(named.auth.present({ headers: new Headers({ authorization: 'Bearer x' }), query: new URLSearchParams() })).toBe(false)
  })
})
