import type { AppDeps } from '../app/deps.js'

/** Why the instance cannot take events right now; empty when it can. Each reason names the failing part. */
export async function readiness(deps: AppDeps): Promise<string[]> {
  const problems: string[] = []
  try {
    await deps.store.ping()
  } catch (err) {
    problems.push(`store not writable: ${(err as Error).message}`)
  }
  try {
    if (!deps.rules.current) problems.push('rules not loaded')
  } catch (err) {
    problems.push(`rules not loaded: ${(err as Error).message}`)
  }
  if (!deps.workerAlive()) problems.push('delivery worker not running')
  return problems
}
