import { z } from 'zod'
import { SourceName } from '../src/event.js'

/**
 * `sources:` in the rules file: a CI source defined without code (docs/rules.md, "sources"). Every key is data read
 * by one compiler (rules/source-adapter.ts); nothing here runs code, loops or templates. Paths are plain dotted paths
 * with `[n]` indices (rules/source-path.ts), so reading a field costs the length of its path.
 */

const d = (description: string) => ({ description })

/** An environment variable's name: the secret is read from it (or from the file `<NAME>_FILE` names), never written inline. */
const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)')
  .meta(d('Environment variable holding the secret; `<NAME>_FILE` may name a file holding it instead'))

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name')

/** A Go-style duration (`30s`, `5m`), rules/source-auth.ts reads it. */
const Duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'a duration such as 30s, 5m or 1h')

/** A body path (`build.web_url`, `items[0].name`) or `header:<Name>`. Checked when compiled (rules/source-path.ts). */
const Reference = z.string().min(1).meta(d('A body path (`build.state`, `items[0].name`: dots and [n] only) or `header:<Name>`'))

export const TokenAuth = z
  .object({
    kind: z.literal('token'),
    header: HeaderName.optional().meta(d('Header that carries the token verbatim (e.g. X-Buildkite-Token)')),
    query: z.string().min(1).optional().meta(d('Query parameter that carries the token (?token=…); it shows in access logs, prefer a header')),
    secret_env: EnvName,
  })
  .strict()
  .meta(d('A shared token echoed by the CI, compared in constant time; header and/or query, either right is enough'))

const RawParse = z.object({ kind: z.literal('raw') }).strict().meta(d('The header is the digest itself'))
const PrefixParse = z
  .object({ kind: z.literal('prefix'), prefix: z.string().min(1).meta(d('Text before the digest, e.g. "sha256="')) })
  .strict()
  .meta(d('The header is a fixed prefix then the digest'))
const KvListParse = z
  .object({
    kind: z.literal('kv-list'),
    separator: z.string().min(1).default(',').meta(d('Between the key=value pairs; default ","')),
    keys: z
      .object({
        sig: z.string().min(1).meta(d('Key of the signature (CircleCI: v1; Buildkite: signature); several pairs with it: any one right is enough')),
        ts: z.string().min(1).optional().meta(d('Key of the Unix timestamp (Buildkite: timestamp), for "{ts}.{body}" and max_skew')),
      })
      .strict(),
  })
  .strict()
  .meta(d('The header is a list of key=value pairs: "timestamp=…,signature=…", "v1=…"'))

export const HmacAuth = z
  .object({
    kind: z.literal('hmac'),
    header: HeaderName.meta(d('Header that carries the signature')),
    parse: z
      .union([z.literal('raw'), z.discriminatedUnion('kind', [RawParse, PrefixParse, KvListParse])])
      .default('raw')
      .meta(d('How the header is written: raw (default), { kind: prefix, prefix }, or { kind: kv-list, separator, keys: { sig, ts } }')),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    signed: z.enum(['{body}', '{ts}.{body}']).default('{body}').meta(d('What is signed: the raw body, or the timestamp, a dot and the raw body')),
    max_skew: Duration.optional().meta(d('Refuse a signature whose timestamp is further than this from our clock (needs keys.ts), e.g. 5m')),
    secret_env: EnvName,
  })
  .strict()
  .meta(d('An HMAC of the raw request body keyed by the secret, compared in constant time'))

export const BasicAuth = z
  .object({
    kind: z.literal('basic'),
    username: z.string().min(1).optional().meta(d('The user name to expect; any when absent')),
    secret_env: EnvName.meta(d('Environment variable holding the password; `<NAME>_FILE` may name a file instead')),
  })
  .strict()
  .meta(d('HTTP Basic credentials; the password is the secret'))

export const NoAuth = z
  .object({ kind: z.literal('none') })
  .strict()
  .meta(d('No credential: anyone who can reach the endpoint can post to it. Only when written, never by default'))

export const SourceAuth = z.discriminatedUnion('kind', [TokenAuth, HmacAuth, BasicAuth, NoAuth])
export type SourceAuth = z.infer<typeof SourceAuth>
export type HmacAuth = z.infer<typeof HmacAuth>

/** Where the event type is: a header, or a path in the body. */
export const EventRef = z
  .union([
    z.object({ header: HeaderName }).strict(),
    z.object({ body: z.string().min(1).meta(d('A body path, as in fields')) }).strict(),
  ])
  .meta(d('Where the event type is: { header: X-Buildkite-Event } or { body: type }'))

/**
 * The CommonEvent fields a source may map (rules/source-fields.ts). `actor`/`author` are shorthands: the actor's
 * display name and the commit author's e-mail, as the worked examples use them.
 */
export const FIELD_NAMES = [
  'kind',
  'status',
  'project.path',
  'project.name',
  'project.url',
  'ref',
  'branch',
  'tag',
  'sha',
  'message',
  'commit.title',
  'commit.message',
  'commit.url',
  'author',
  'author.name',
  'author.email',
  'author.username',
  'actor',
  'actor.name',
  'actor.email',
  'actor.username',
  'number',
  'attempt',
  'name',
  'pipeline_name',
  'url',
  'started_at',
  'finished_at',
  'duration_s',
  'queued_s',
  'environment',
  'merge_request.number',
  'merge_request.title',
  'merge_request.url',
  'merge_request.source_branch',
  'merge_request.target_branch',
] as const
export type FieldName = (typeof FIELD_NAMES)[number]

export const TIME_FORMATS = ['iso8601', 'unix_s', 'unix_ms', 'YYYY-MM-DD HH:mm:ss Z'] as const

const Scalar = z.union([z.string(), z.number(), z.boolean()])

export const FieldSpec = z
  .object({
    from: Reference.optional().meta(d('Where the value is: a body path or header:<Name>')),
    value: Scalar.optional().meta(d('A constant instead of from')),
    trim_prefix: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().meta(d('Remove this prefix (the first of a list that matches): refs/heads/')),
    extract: z.string().min(1).optional().meta(d('A regex (RE2: linear time) with one capture group; the group is the value. No match reads as absent')),
    map: z.record(z.string(), Scalar).optional().meta(d('Native value → our value; a value not listed takes default (or is an error)')),
    default: Scalar.optional().meta(d('When the value is absent or not in map')),
    time: z.enum(TIME_FORMATS).optional().meta(d('How the time is written; stored as ISO-8601 UTC')),
    optional: z.boolean().default(false).meta(d('An absent value leaves the field out instead of refusing the webhook (400)')),
  })
  .strict()
  // One definition in the JSON Schema, referenced by every field, not 36 copies.
  .meta({ id: 'SourceField', description: 'Where one CommonEvent field comes from, and how it is transformed' })
export type FieldSpec = z.infer<typeof FieldSpec>

export const SourceDef = z
  .object({
    id: SourceName.meta(d('Its name and endpoint: POST /webhooks/<id>; not the name of a built-in source')),
    auth: SourceAuth.meta(d('How its webhooks prove they come from the CI: token, hmac, basic, or none (only when written)')),
    event: EventRef.optional(),
    accept: z.array(z.string().min(1)).min(1).optional().meta(d('Event types to translate; any other is answered 200 {ignored}. Needs event')),
    dedupe_key: z
      .union([Reference, z.array(Reference).min(1)])
      .optional()
      .meta(d('What makes a delivery unique (a delivery id, else a stable tuple): a redelivery answers 200 {duplicate: true}. Default: the raw body')),
    fields: z
      .object(Object.fromEntries(FIELD_NAMES.map((f) => [f, FieldSpec.optional()])) as Record<FieldName, z.ZodOptional<typeof FieldSpec>>)
      .strict()
      .meta(d('CommonEvent field → where its value comes from. kind, status and project.path are required')),
  })
  .strict()
export type SourceDef = z.infer<typeof SourceDef>
