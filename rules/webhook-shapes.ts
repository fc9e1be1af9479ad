import { platforms, type PlatformName } from '../src/platforms/index.js'

/**
 * The platform whose public API host this URL is on, when it is another's than `type`, with that host (one of the
 * listed public hosts, so safe to print: the token is in the path or query); never throws. A proxy or a private
 * deployment's host is nobody's, and is not warned about.
 */
export function otherPlatformOf(type: string, url: string): { type: PlatformName; label: string; host: string } | undefined {
  if (!URL.canParse(url)) return undefined
  const host = new URL(url).hostname.toLowerCase()
  const names = Object.keys(platforms) as PlatformName[]
  const other = names.find((t) => t !== type && platforms[t].hosts.includes(host))
  return other && { type: other, label: platforms[other].label, host }
}
