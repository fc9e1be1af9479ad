/**
 * A reference in a configured source (rules/source-schema.ts): a body path, plain dotted segments with `[n]`
 * indices (`pipeline.vcs.commit.author.email`, `items[0].name`), or `header:<Name>`. Compiled once at load into
 * segments; reading one costs its length, whatever the payload. No wildcards, filters, recursion or functions: a
 * path names exactly one place.
 */
export type Ref = { kind: 'header'; name: string; text: string } | { kind: 'body'; segments: ReadonlyArray<string | number>; text: string }

/**
 * `name`, `name[0]`, `name[0][1]`; a name is any run of characters but `.`, `[`, `]` and those of path languages
 * (`$ * ? @ ( ) ' "`): `$.a`, `a[*]` or `a[?(@.x)]` is refused, not read as a strange key.
 */
const SEGMENT = /^([^.[\]$*?@()'"]+)((?:\[\d{1,6}\])*)$/

/** Compiles a reference; throws Error saying what is wrong with it (rules/sources.ts makes it a Problem). */
export function compileRef(text: string): Ref {
  if (text.startsWith('header:')) {
    const name = text.slice('header:'.length).trim()
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new Error(`"${text}" is not header:<Name> with an HTTP header name`)
    return { kind: 'header', name: name.toLowerCase(), text }
  }
  const segments: Array<string | number> = []
  for (const part of text.split('.')) {
    const m = SEGMENT.exec(part)
    if (!m) throw new Error(`"${text}" is not a plain path: write dotted names with [n] indices (build.creator.name, items[0].id), no wildcards, filters or quotes`)
    segments.push(m[1])
    for (const [, n] of m[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(n))
  }
  return { kind: 'body', segments, text }
}

/** What a reference reads from: the parsed body and the request headers. */
export type Payload = { body: unknown; headers: Headers }

/**
 * The value at `ref`, or undefined when any step is absent or of the wrong shape (a name into an array, an index
 * into an object) or the value is null. Own properties only: `__proto__` or `constructor` in a path reads nothing.
 */
export function readRef(ref: Ref, p: Payload): unknown {
  if (ref.kind === 'header') return p.headers.get(ref.name) ?? undefined
  let v: unknown = p.body
  for (const seg of ref.segments) {
    if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined
    else v = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, seg) ? (v as Record<string, unknown>)[seg] : undefined
    if (v === undefined || v === null) return undefined
  }
  return v
}
