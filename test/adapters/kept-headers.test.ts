import { describe, expect, it } from 'vitest'
import { adapters, SOURCES } from '../../adapters/index.js'
import { keptHeaders } from '../../adapters/common/kept-headers.js'
import type { Adapter } from '../../adapters/common/types.js'

const tokenSource = (deliveryHeaders: string[], header = 'x-ci-token'): Pick<Adapter, 'auth' | 'event' | 'deliveryHeaders'> => ({
  auth: { credential: { kind: 'token', header }, in: 'head', present: () => true, missing: '', wrong: '' },
  event: { header: 'X-CI-Event' },
  deliveryHeaders,
})

describe('keptHeaders: what an event keeps of its webhook', () => {
  it('keeps content type, user agent and the source\'s event and delivery headers, in that order, nothing else', () => {
    const h = new Headers({
      'user-agent': 'GitLab/17.5.0',
      'content-type': 'application/json',
      'x-gitlab-event': 'Pipeline Hook',
      'idempotency-key': 'k-1',
      'x-gitlab-event-uuid': 'u-1',
      'x-gitlab-token': 'gl-secret',
      'x-forwarded-for': '10.0.0.1',
      cookie: 'a=b',
    })
    const kept = keptHeaders(adapters.gitlab, h)
    expect(kept).toEqual({
      'content-type': 'application/json',
      'user-agent': 'GitLab/17.5.0',
      'x-gitlab-event': 'Pipeline Hook',
      'idempotency-key': 'k-1',
      'x-gitlab-event-uuid': 'u-1',
    })
    expect(Object.keys(kept!)).toEqual(['content-type', 'user-agent', 'x-gitlab-event', 'idempotency-key', 'x-gitlab-event-uuid'])
  })

  it.each(SOURCES)('%s: never keeps the header its secret travels in', (source) => {
    const a = adapters[source]
    const secretHeader = 'header' in a.auth.credential ? a.auth.credential.header : undefined
    const h = new Headers({ 'content-type': 'application/json', authorization: 'Basic eDp5' })
    if (secretHeader) h.set(secretHeader, 'the-secret')
    for (const name of a.deliveryHeaders) h.set(name, 'd-1')
    const kept = JSON.stringify(keptHeaders(a, h))
    expect(kept).not.toContain('the-secret')
    expect(kept).not.toContain('eDp5')
  })

  it('never keeps a declared header that is the secret\'s or is named like a credential (a source defined in the rules file)', () => {
    const named = ['X-CI-Token', 'x-api-key', 'x-api_key', 'x-access-key', 'x-auth-key', 'x-ci-credentials', 'x-ci-signature', 'x-session-id']
    const h = new Headers({ 'x-ci-delivery': 'd', 'x-ci-event': 'build' })
    for (const n of named) h.set(n, 'v')
    expect(keptHeaders(tokenSource([...named, 'x-ci-delivery']), h)).toEqual({ 'x-ci-event': 'build', 'x-ci-delivery': 'd' })
    // The secret's header by its declared name, whatever it is called.
    const plain = new Headers({ 'x-ci-pass': 'p', 'x-ci-event': 'build' })
    expect(keptHeaders(tokenSource(['X-CI-Pass'], 'X-CI-Pass'), plain)).toEqual({ 'x-ci-event': 'build' })
  })

  it('cuts a long value at 200 characters; {} when none is present', () => {
    // Header values are byte strings (Latin-1 as Node reads them).
    const kept = keptHeaders(tokenSource([]), new Headers({ 'user-agent': 'Jenkins é'.repeat(30) }))
    const ua = kept!['user-agent']
    expect(ua).toBe('Jenkins é'.repeat(30).slice(0, 200) + '…')
    expect(keptHeaders(tokenSource([]), new Headers({ 'x-other': '1' }))).toEqual({})
  })
})
