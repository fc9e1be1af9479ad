#!/usr/bin/env node
// Rewrites the generated blocks of docs/ (the message gallery, the settings table) from the built code:
//   npm run docs             regenerate (builds first)
//   npm run docs -- --check  exit 1, naming the blocks, when one differs from what the code makes (nothing written)
// The blocks and their generators are listed in src/docs/generated.ts; test/docs/generated.test.ts checks the same.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { GENERATED, blockOf, expected, splice } = await import(join(root, 'dist/src/docs/generated.js'))
const check = process.argv.includes('--check')
const stale = []
for (const block of GENERATED) {
  const path = join(root, block.file)
  const text = readFileSync(path, 'utf8')
  const want = expected(block)
  if (blockOf(text, block.name) === want) continue
  stale.push(`${block.file}: ${block.name}`)
  if (!check) writeFileSync(path, splice(text, block.name, want))
}
if (check && stale.length) {
  process.stderr.write(`out of date (run npm run docs):\n  ${stale.join('\n  ')}\n`)
  process.exitCode = 1
} else {
  process.stdout.write(stale.length ? `rewrote:\n  ${stale.join('\n  ')}\n` : 'docs: generated blocks up to date\n')
}
