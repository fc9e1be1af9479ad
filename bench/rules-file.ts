import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseDocument } from 'yaml'

/**
 * The rules the benchmark's server runs: rules.example.yaml (which routes the failed-pipeline fixtures to its
 * targets) with the Buildkite source of test/fixtures/configured/rules.yaml added under `sources:`, so a source
 * defined without code is measured beside the built-in ones. Written into `dir`; returns its path.
 */
export function benchRulesFile(dir: string): string {
  const root = process.cwd()
  const example = parseDocument(readFileSync(resolve(root, 'rules.example.yaml'), 'utf8'))
  const configured = parseDocument(readFileSync(resolve(root, 'test/fixtures/configured/rules.yaml'), 'utf8')).toJS() as { sources: Array<{ id: string }> }
  example.set('sources', example.createNode(configured.sources.filter((s) => s.id === 'buildkite')))
  const file = join(dir, 'rules.yaml')
  writeFileSync(file, example.toString())
  return file
}
