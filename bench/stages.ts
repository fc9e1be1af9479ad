import { toEvent } from '../adapters/index.js'
import { isIgnored } from '../adapters/common/types.js'

/**
 * `node dist/bench/stages.js`: what a GitLab pipeline hook with many builds costs to parse, and what it stores
 * (issue 16 item 5). Builds each in its own stage, and all in one stage; the body grows with n, so linear parsing
 * keeps ms per 1000 builds flat. Not part of `npm run bench`: a one-off measurement, run before and after a change.
 */
function body(n: number, shape: 'own-stage' | 'one-stage'): string {
  const stage = (i: number) => (shape === 'own-stage' ? `s${i}` : 'test')
  const builds = Array.from({ length: n }, (_, i) => ({ id: i + 1, stage: stage(i), name: `j${i}`, status: i % 2 ? 'failed' : 'success' }))
  const stages = shape === 'own-stage' ? builds.map((b) => b.stage) : ['test']
  return JSON.stringify({
    object_kind: 'pipeline',
    object_attributes: { id: 1, ref: 'main', tag: false, sha: 'a'.repeat(40), status: 'failed', stages, url: 'https://gitlab.example/g/p/-/pipelines/1' },
    project: { id: 1, name: 'p', path_with_namespace: 'g/p', web_url: 'https://gitlab.example/g/p' },
    builds,
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

console.log('shape      builds   body KB   parse ms   stored KB')
for (const shape of ['own-stage', 'one-stage'] as const) {
  for (const n of [1000, 4000, 16000, 32000]) {
    const b = body(n, shape)
    const req = { headers: new Headers({ 'x-gitlab-event': 'Pipeline Hook' }), body: b, query: new URLSearchParams() }
    const times: number[] = []
    let stored = 0
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      const e = toEvent('gitlab', req, { id: 'evt_1', now: new Date() })
      stored = isIgnored(e) ? 0 : JSON.stringify(e).length
      times.push(performance.now() - t0)
    }
    const kb = (x: number) => (x / 1024).toFixed(0).padStart(9)
    console.log(`${shape.padEnd(10)} ${String(n).padStart(6)} ${kb(b.length)} ${median(times).toFixed(0).padStart(10)} ${kb(stored)}`)
  }
}
