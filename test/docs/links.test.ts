import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

/** The docs whose relative links must resolve: the README and every page of docs/. */
const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))]

/** Markdown without its code: a `[x](y)` in a fenced block or an inline code span is not a link. */
const prose = (md: string) => md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '')

/** GitHub's heading anchors: lowercased, punctuation dropped (letters of any script kept), spaces as hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const body = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '')
  for (const [, text] of body.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = text
      .replace(/<[^>]*>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n ? `${slug}-${n}` : slug)
  }
  return out
}

/** Every relative link of a doc that does not resolve: a missing file, or an anchor no heading of that file has. */
function brokenLinks(file: string): string[] {
  const broken: string[] = []
  for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue // https:, mailto:
    const [path, anchor] = target.split('#') as [string, string | undefined]
    const resolved = path ? normalize(join(dirname(file), path)) : file
    if (!existsSync(resolved)) {
      broken.push(`${target}: no file ${resolved}`)
      continue
    }
    if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md')) {
      if (!anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`)
    }
  }
  return broken
}

describe('links between the docs', () => {
  it('reads the pages it should', () => {
    const pages = ['rules', 'messages', 'operating', 'deploy', 'troubleshooting', 'architecture'].map((p) => `docs/${p}.md`)
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', ...pages]))
  })

  for (const file of DOCS) {
    it(`every relative link of ${file} points at a file and heading that exist`, () => {
      expect(brokenLinks(file)).toEqual([])
    })
  }

  it('computes anchors as GitHub does', () => {
    const a = anchors('# Several replicas (PostgreSQL)\n## Feishu / Lark\n### `defaults`\n## Data, backups and upgrades\n## X\n## X\n')
    expect([...a]).toEqual(['several-replicas-postgresql', 'feishu--lark', 'defaults', 'data-backups-and-upgrades', 'x', 'x-1'])
  })
})
