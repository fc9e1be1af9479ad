import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/**
 * The import graph of the service's own code (src/, adapters/, rules/), read from the sources: every relative
 * `import … from './x.js'` and `export … from` (type-only imports too: a type cycle is still a cycle in the design).
 * Read by test/arch/cycles.test.ts, which prints any cycle it finds.
 */
export type Graph = Map<string, Set<string>>

const ROOTS = ['src', 'adapters', 'rules']
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* tsFiles(p)
    else if ((p.endsWith('.ts') || p.endsWith('.tsx')) && !p.endsWith('.d.ts')) yield p
  }
}

export function fileGraph(root: string): Graph {
  const g: Graph = new Map()
  for (const r of ROOTS) {
    for (const file of tsFiles(join(root, r))) {
      const from = relative(root, file)
      const to = new Set<string>()
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const ts = resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))
        // A .tsx module (src/console/, hono/jsx) is imported as .js like any other.
        to.add(relative(root, existsSync(ts) ? ts : `${ts}x`))
      }
      g.set(from, to)
    }
  }
  return g
}

/** Folders as nodes: an edge a → b when a file directly in folder a imports one directly in folder b (a ≠ b). */
export function folderGraph(files: Graph): Graph {
  const g: Graph = new Map()
  for (const [from, tos] of files) {
    const a = dirname(from)
    const set = g.get(a) ?? new Set<string>()
    for (const t of tos) if (dirname(t) !== a) set.add(dirname(t))
    g.set(a, set)
  }
  return g
}

/** Strongly connected components of more than one node (or a node importing itself), each sorted. */
export function cycles(g: Graph): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const out: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop()!
        on.delete(w)
        comp.push(w)
      } while (w !== v)
      if (comp.length > 1 || g.get(v)?.has(v)) out.push(comp.sort())
    }
  }
  for (const v of g.keys()) if (!idx.has(v)) visit(v)
  return out
}
