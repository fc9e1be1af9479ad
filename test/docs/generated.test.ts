import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GENERATED, MissingBlockError, blockOf, expected, splice } from '../../src/docs/generated.js'
import { PLATFORM_NAMES, platforms } from '../../src/platforms/index.js'

describe('the generated blocks of docs/', () => {
  for (const block of GENERATED) {
    it(`${block.file}: the ${block.name} is what the code makes today (regenerate: npm run docs)`, () => {
      expect(blockOf(readFileSync(block.file, 'utf8'), block.name)).toBe(expected(block))
    })
  }

  it('the message gallery has a section for every platform in the registry', () => {
    const gallery = blockOf(readFileSync('docs/messages.md', 'utf8'), 'message gallery')
    const sections = [...gallery.matchAll(/^### (.+)\n\n`type: (\w+)`$/gm)].map((m) => [m[1], m[2]])
    expect(sections).toEqual(PLATFORM_NAMES.map((n) => [platforms[n].label, n]))
  })

  it('splice replaces only what is between the markers, and blockOf reads it back', () => {
    const text = 'before\n<!-- BEGIN generated: x (how) -->\nold\n<!-- END generated: x -->\nafter\n'
    const out = splice(text, 'x', '\nnew\n')
    expect(out).toBe('before\n<!-- BEGIN generated: x (how) -->\nnew\n<!-- END generated: x -->\nafter\n')
    expect(blockOf(out, 'x')).toBe('new')
    expect(() => blockOf('no markers', 'x')).toThrow(MissingBlockError)
  })
})
