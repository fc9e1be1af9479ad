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
})
