import { isAlias, isCollection, isPair, isScalar, visit, type Alias, type Document, type Node } from 'yaml'
import { pathOf } from './locate.js'
import type { Problem } from './problems.js'

/**
 * Most values the file may stand for once its aliases are expanded. A rules file is a few thousand values; an alias
 * bomb (`&b [*a, *a…]`, `&c [*b, *b…]`, … nine levels) stands for billions though its text is 1 KB, and the schema,
 * the compiler and the API would each walk all of them.
 */
export const MAX_EXPANDED = 100_000

/**
 * The file's alias problems, found on the document before anything expands it: an alias with no anchor before it,
 * an alias inside its own anchor (a cycle), and the alias at which the expanded file first passes MAX_EXPANDED.
 * With none of these, `doc.toJS()` is bounded, so yaml's own alias counter (which also refuses an anchor used more
 * than 100 times, which a large file may well do) is not needed.
 */
export function aliasProblems(doc: Document): Problem[] {
  const problems: Problem[] = []
  // yaml resolves an alias to the last node with that anchor before it in document order: the same walk, in order.
  const anchors = new Map<string, Node>()
  const targetOf = new Map<Alias, Node | undefined>()
  const order: Array<{ node: Node; ancestors: readonly unknown[] }> = []
  visit(doc, {
    Node(_key, node, ancestors) {
      if (isAlias(node)) targetOf.set(node, anchors.get(node.source))
      else if (node.anchor) anchors.set(node.anchor, node)
      order.push({ node, ancestors })
    },
  })

  const size = new Map<Node, number>()
  const inProgress = new Set<Node>()
  /** Values `node` stands for, expanded; Infinity for a cycle. Memoized: each node is measured once. */
  const measure = (node: unknown): number => {
    if (!node || isScalar(node)) return 1
    if (isPair(node)) return measure(node.key) + measure(node.value)
    const n = node as Node
    const known = size.get(n)
    if (known !== undefined) return known
    if (inProgress.has(n)) return Infinity
    inProgress.add(n)
    let s = 1
    if (isAlias(n)) s = measure(targetOf.get(n))
    else if (isCollection(n)) for (const item of n.items) s += measure(item)
    inProgress.delete(n)
    size.set(n, s)
    return s
  }

  let total = 0
  for (const { node, ancestors } of order) {
    const at = { path: pathOf(ancestors, node), offset: node.range?.[0] }
    if (!isAlias(node)) {
      total += 1
      continue
    }
    const target = targetOf.get(node)
    if (!target) {
      problems.push({ ...at, message: `alias *${node.source} has no anchor &${node.source} before it` })
      return problems
    }
    if (ancestors.includes(target)) {
      problems.push({ ...at, message: `alias *${node.source} is inside its own anchor &${node.source} (a value cannot contain itself)` })
      return problems
    }
    total += measure(target)
    if (total > MAX_EXPANDED) {
      problems.push({ ...at, message: `alias *${node.source} makes the file stand for more than ${MAX_EXPANDED} values when expanded (nested aliases multiply); write the values out or use fewer levels of aliases` })
      return problems
    }
  }
  return problems
}
