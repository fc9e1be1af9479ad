import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cycles, fileGraph, folderGraph } from './import-graph.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** No cycle between files or folders (issue 17): imports follow the flow of docs/architecture.md and never go back. */
const KNOWN_FILE_CYCLES: string[][] = []
const KNOWN_FOLDER_CYCLES: string[][] = []

describe('import graph', () => {
  const files = fileGraph(root)

  it('reads the whole tree', () => {
    expect(files.size).toBeGreaterThan(100)
    expect(files.get('src/app/ingest.ts')?.size).toBeGreaterThan(0)
  })

  it('has no cycle between files', () => {
    expect(cycles(files)).toEqual(KNOWN_FILE_CYCLES)
  })

  it('has no cycle between folders', () => {
    expect(cycles(folderGraph(files))).toEqual(KNOWN_FOLDER_CYCLES)
  })

  it('finds a cycle when there is one', () => {
    const g = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]])
    expect(cycles(g)).toEqual([['a', 'b', 'c']])
  })
})
