import { platforms, type PlatformName } from '../platforms/index.js'
import { platformSender, type SenderOptions } from './send.js'
import type { Sender } from './types.js'

export type { SenderOptions }

/** One sender per platform of the registry; the worker builds its own with the configured timeout and clock. */
export function createSenders(o: SenderOptions): Record<PlatformName, Sender> {
  const out = {} as Record<PlatformName, Sender>
  for (const name of Object.keys(platforms) as PlatformName[]) out[name] = platformSender(platforms[name].delivery, o)
  return out
}

export const senders: Record<PlatformName, Sender> = createSenders({ timeoutMs: 10_000 })
