import { checkedIn, hasCredential, verifyCredential } from './credential.js'
import type { Adapter, Auth, Credential } from './types.js'

/** A source as its folder writes it: the credential declared, `auth.in`, `present` and `verify` derived from it. */
export type SourceSpec = Omit<Adapter, 'auth' | 'verify'> & { auth: { credential: Credential; missing: string; wrong: string } }

/** The Adapter of a declared source. Its `name` must be its key in the registry (checked by test/adapters/index.test.ts). */
export function defineSource(spec: SourceSpec): Adapter {
  const { credential } = spec.auth
  const auth: Auth = { ...spec.auth, in: checkedIn(credential), present: (head) => hasCredential(credential, head) }
  return { ...spec, auth, verify: (req, secret) => verifyCredential(credential, req, secret) }
}

/** The first delivery-id header the request carries, else the id derived from the body (a payload replayed by hand). */
export function deliveryId(headers: Headers, names: readonly string[], derived: string): string {
  for (const n of names) {
    const v = headers.get(n)
    if (v) return v
  }
  return derived
}
