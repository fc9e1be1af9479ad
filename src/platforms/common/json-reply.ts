/** A reply body as a JSON object, or undefined when it is not one (a proxy's HTML page, a cut body, plain text). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}
