import { messageGallery } from './gallery.js'

/**
 * The parts of docs/ that are generated from the code, so they cannot drift from it. Each sits between
 * `<!-- BEGIN generated: <name> … -->` and `<!-- END generated: <name> -->` in its file. `npm run docs` rewrites them,
 * `npm run docs -- --check` (and test/docs/generated.test.ts) fails when one differs from what the code makes today.
 */
export const GENERATED: readonly { file: string; name: string; make: () => string }[] = [
  { file: 'docs/messages.md', name: 'message gallery', make: messageGallery },
]

/** Thrown when a file lacks a block's markers: the block was deleted or renamed by hand. */
export class MissingBlockError extends Error {}

const begin = (name: string) => `<!-- BEGIN generated: ${name}`
const end = (name: string) => `<!-- END generated: ${name} -->`

/** What is between a block's markers (the BEGIN comment's line excluded), without the newlines around it. */
export function blockOf(text: string, name: string): string {
  const { from, to } = bounds(text, name)
  return trimLines(text.slice(from, to))
}

/** The text with a block's content replaced; the markers and everything outside them are kept as they are. */
export function splice(text: string, name: string, content: string): string {
  const { from, to } = bounds(text, name)
  return `${text.slice(0, from)}\n${trimLines(content)}\n${text.slice(to)}`
}

/** What a block must hold: what its generator makes, without the newlines around it. */
export const expected = (block: { make: () => string }): string => trimLines(block.make())

const trimLines = (s: string) => s.replace(/^\n+|\n+$/g, '')

function bounds(text: string, name: string): { from: number; to: number } {
  const b = text.indexOf(begin(name))
  const e = text.indexOf(end(name))
  const from = b < 0 ? -1 : text.indexOf('-->', b) + 3
  if (b < 0 || e < 0 || from < 3 || from > e) throw new MissingBlockError(`no "${begin(name)} … -->" … "${end(name)}" block`)
  return { from, to: e }
}
