import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { PayloadError } from '../../src/errors.js'

/**
 * The Notification plugin's XML format (`Format.XML`, XStream) → the shape of its JSON format, so one reader serves
 * both. XStream writes Java field names (camelCase: fullUrl, queueId, displayName), lists as
 * `<culprits><string>…</string></culprits>` and maps as `<entry><string>key</string><string>value</string></entry>`;
 * null fields are omitted. Root is `<job>` (`@XStreamAlias("job")`; plugin versions before 1.11 used `<JobState>`).
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'string' || name === 'entry',
})

/** Java `int`/`long` fields, the only ones that become JSON numbers. */
const NUMERIC = new Set(['number', 'queue_id', 'timestamp', 'duration', 'total', 'failed', 'passed', 'skipped'])

export function jenkinsXmlToJson(body: string): unknown {
  const valid = XMLValidator.validate(body)
  if (valid !== true) {
    throw new PayloadError(`body is not valid XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`)
  }
  const doc = parseXml(body)
  const root = isRecord(doc) ? (doc.job ?? doc.JobState) : undefined
  if (!isRecord(root)) throw new PayloadError('XML body: expected a <job> root element')
  return convert(root)
}

/** The parser also refuses some well-formed input (element names such as __proto__, entity bombs): still a 400. */
function parseXml(body: string): unknown {
  try {
    return parser.parse(body)
  } catch (err) {
    throw new PayloadError(`body is not valid XML: ${(err as Error).message}`)
  }
}

function convert(node: unknown, key = ''): unknown {
  if (typeof node === 'string') return NUMERIC.has(key) && /^-?\d+$/.test(node) ? Number(node) : node
  if (!isRecord(node)) return node
  const keys = Object.keys(node)
  if (keys.length === 1 && keys[0] === 'string') return (node.string as unknown[]).map((s) => convert(s))
  if (keys.length === 1 && keys[0] === 'entry') return mapEntries(node.entry as unknown[])
  const out: Record<string, unknown> = Object.create(null)
  for (const k of keys) {
    // An empty element is an empty string or an empty collection; XStream omits nulls, so "absent" reads the same.
    if (node[k] === '') continue
    const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    out[snake] = convert(node[k], snake)
  }
  return out
}

/** `<entry><string>k</string><string>v</string></entry>` or `<entry><string>k</string><map>…</map></entry>`. */
function mapEntries(entries: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null)
  for (const e of entries) {
    if (!isRecord(e) || !Array.isArray(e.string) || typeof e.string[0] !== 'string') continue
    const [k, v] = e.string as unknown[]
    out[k as string] = v ?? (isRecord(e.map) ? convert(e.map) : undefined)
  }
  return out
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
