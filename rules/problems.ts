import type { Document, LineCounter } from 'yaml'
import { ConfigError } from '../src/errors.js'
import { formatPath, offsetOf, where, type Path } from './locate.js'

/** One thing wrong with the rules file, before it is given its file:line:col. */
export type Problem = {
  path: Path
  message: string
  /** The key at the end of `path` is what is wrong (unknown key), not its value. */
  key?: string
  /** Exact source offset when known better than the node (a `${VAR}` inside a longer string). */
  offset?: number
}

/** `file:line:col: path: message`, in file order. */
export function describeProblems(problems: Problem[], o: { file: string; doc: Document; lc: LineCounter }): string[] {
  return problems
    .map((p) => {
      const offset = p.offset ?? offsetOf(o.doc, p.path, { key: p.key })
      const path = formatPath(p.key === undefined ? p.path : [...p.path, p.key])
      return { offset, text: `${where(o.file, o.lc, offset)}: ${path ? `${path}: ` : ''}${p.message}` }
    })
    .sort((a, b) => a.offset - b.offset)
    .map((p) => p.text)
}

/** Every problem in one error: ops fix the whole file in one go, not one typo per run. */
export function configError(file: string, lines: string[]): ConfigError {
  const head = lines.length === 1 ? lines[0] : `${file}: ${lines.length} problems\n${lines.map((l) => `  ${l}`).join('\n')}`
  return new ConfigError(head, lines)
}
