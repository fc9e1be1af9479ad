import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'

/** A path into the rules file, as zod and our checks name it: ['rules', 1, 'notify', 0]. */
export type Path = ReadonlyArray<string | number>

/** `rules[1].notify[0]`, `targets.dev-group.webhook`, `targets["a.b"]`. */
export function formatPath(path: Path): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[\w-]+$/.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/**
 * Source offset of the deepest node that exists along `path` (a missing key points at its parent), or of the key
 * itself when `key` is set (for unknown keys, the key is what is wrong).
 */
export function offsetOf(doc: Document, path: Path, o: { key?: string } = {}): number {
  let node: unknown = doc.contents
  let offset = rangeStart(node) ?? 0
  for (const seg of o.key === undefined ? path : [...path, o.key]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) break
      if (seg === o.key) return rangeStart(pair.key) ?? offset
      node = pair.value ?? pair.key
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg]
    } else {
      break
    }
    offset = rangeStart(node) ?? offset
  }
  return offset
}

function rangeStart(n: unknown): number | undefined {
  return isNode(n) ? (n as Node).range?.[0] : undefined
}

/** `file:line:col` of a source offset (1-based, as editors count). */
export function where(file: string, lc: LineCounter, offset: number): string {
  const { line, col } = lc.linePos(offset)
  return `${file}:${line}:${col}`
}

/** The path of `leaf`, from the ancestors yaml's `visit` hands a visitor. */
export function pathOf(ancestors: readonly unknown[], leaf: unknown): Path {
  const path: Array<string | number> = []
  const chain = [...ancestors, leaf]
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i]
    const next = chain[i + 1]
    if (isSeq(a)) path.push(a.items.indexOf(next as never))
    else if (isMap(a) && isPair(next) && isScalar(next.key)) path.push(String(next.key.value))
  }
  return path
}
