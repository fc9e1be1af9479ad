import type { ParsedEvent } from '../../src/event.js'

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
 * Where a source's secret travels, declared as data so that verification, the 401 answers, /api/status and the docs
 * follow from it (adapters/common/credential.ts), and so that a source defined without code can say the same.
 * - `token`: the secret itself, echoed in a header, a query parameter and/or HTTP Basic credentials (the password, or
 *   the user name when there is no password); any one of them right is enough.
 * - `hmac`: a MAC of the raw body keyed by the secret, in a header, written `prefix` + digest. (A source defined in
 *   the rules file may sign more shapes, rules/source-auth.ts; its credential then describes, its verify decides.)
 */
export type Credential =
  | { kind: 'token'; header?: string; query?: string; basic?: boolean }
  | { kind: 'hmac'; header: string; algorithm: 'sha1' | 'sha256' | 'sha512'; encoding: 'hex' | 'base64'; prefix?: string }

/**
 * How a source's secret is checked, so a request without the right one costs us as little as possible: `head` (a
 * header or the query) is checked before the body is read; `body` (a signature over the raw body) needs the body, but
 * a request without the signature header at all is still turned away first. `missing` and `wrong` are the 401
 * answers: they name the header or parameter and the setting, never a value.
 */
export type Auth = {
  credential: Credential
  in: 'head' | 'body'
  /** True when the request carries a credential at all, right or wrong. Reads the head only. */
  present(head: RequestHead): boolean
  missing: string
  wrong: string
}

/** The setting that holds a source's secret: `<env>`, `<env>_FILE`, `--<flag>`, `--<flag>-file` (src/settings/). */
export type SecretSetting = { env: string; flag: string; meaning: string }

/** How a source names its events: the header that carries the event type. */
export type EventHeader = {
  header: string
  /** The header's value a captured body implies, for payloads replayed from a file (`normalize`, `test`). */
  infer?(req: RawRequest): string | undefined
}

/**
 * One CI source: everything that is that source's, read through the registry (adapters/index.ts) by the webhook
 * route, ingest, settings, the banner, /api/status, the rules schema (people's ids, `source:`), `check`, `normalize`
 * and `test`. Nothing outside its folder names it. `verify` never throws and compares in constant time (for
 * `auth.in === 'head'` it reads only the head); `parse` is pure and throws PayloadError naming the field that is
 * wrong.
 */
export interface Adapter {
  /** Its key in the registry and its endpoint: `POST /webhooks/<name>`. */
  name: string
  /** How people and docs call it: "GitLab". */
  label: string
  secret: SecretSetting
  auth: Auth
  /** Media types it may send besides JSON (`application/json`, `…/…+json`), lower case. */
  mediaTypes: readonly string[]
  /** The header naming its events; none for a source whose body alone says what it is (Jenkins). */
  event?: EventHeader
  /** Headers carrying a delivery id to deduplicate redeliveries by, first present wins (lower case). */
  deliveryHeaders: readonly string[]
  /** Where its webhook is set up and what to tick, one line for the start banner: "Settings → Webhooks (…)". */
  setup: string
  /** Whether the e-mail of the person who triggered a run is one the source vouches for (rules/people.ts). */
  vouchesActorEmail: boolean
  /** What to change on the CI side when its events come without a link (`ci-notify test` flags it). */
  noLinkHint?: string
  /** True when the request carries the right secret. Called only when a secret is configured. */
  verify(req: RawRequest, secret: string): boolean
  parse(req: RawRequest): ParsedEvent | Ignored
}
