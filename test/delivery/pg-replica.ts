import { parseRules } from '../../rules/load.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { Worker } from '../../src/delivery/worker.js'
import type { PostgresStore } from '../../src/store/postgres.js'
import type { ManualClock } from '../fake-im/manual-clock.js'
import { replicaBase } from '../helpers/replica.js'
import { fakeRenderers } from './harness.js'

/** The rules every replica of a test runs, compiled once. */
export const inlineRules = (yaml: string) => RulesRuntime.fromCompiled(parseRules(yaml, { file: '<inline>', env: {} }))

/** One replica on a shared PostgreSQL schema: its own store connection and worker (test/helpers/replica.ts), on the test's clock. */
export async function pgReplica(o: { open: () => Promise<PostgresStore>; rules: RulesRuntime; clock: ManualClock }) {
  const store = await o.open()
  const worker = new Worker({ ...replicaBase({ store, rules: o.rules, clock: o.clock }), random: () => 0.5, renderers: fakeRenderers() })
  worker.start()
  return { store, worker, close: async () => (await worker.stop(1000), await store.close()) }
}
