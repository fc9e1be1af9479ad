import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { NODE_FLAGS } from '../../bench/node-flags.js'

/** The benchmark measures the server as it is deployed: the same Node flags in the image, `npm start` and bench/. */
describe('node flags of `serve`', () => {
  it('are the same in the Dockerfile, npm start and the benchmark', () => {
    const cmd = readFileSync('Dockerfile', 'utf8').match(/^CMD \[(.*)\]$/m)![1]
    expect(JSON.parse(`[${cmd}]`)).toEqual(['node', ...NODE_FLAGS, 'dist/src/cli.js', 'serve'])
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string
    expect(start).toContain(`node ${NODE_FLAGS.join(' ')} dist/src/cli.js serve`)
    // The container check starts what the image's CMD starts.
    expect(readFileSync('scripts/container-check.sh', 'utf8')).toContain(`node ${NODE_FLAGS.join(' ')} dist/src/cli.js serve`)
  })

  it('are all taken by this Node (an unknown V8 flag stops node before it starts)', () => {
    const run = (flags: string[]) => spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' })
    const ours = run(NODE_FLAGS)
    expect(ours.status, ours.stderr).toBe(0)
    // What a flag dropped by a later V8 would do: the check above would then fail.
    expect(run([...NODE_FLAGS, '--heap-growing-percentage=50']).status).not.toBe(0)
  })
})
