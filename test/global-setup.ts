import { buildOnce } from './helpers/server-process.js'

/** Once per `vitest run`: the tests that start real server processes all run the same private build. */
export default function setup(): void {
  buildOnce()
}
