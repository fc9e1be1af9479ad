import { platforms, type PlatformName } from '../src/platforms/index.js'

/** Whether `host` is `listed`: the same host, or under the domain of a `*.domain` entry (Platform.hosts). */
export const hostMatches = (listed: string, host: string): boolean =>
  listed.startsWith('*.') ? host.endsWith(listed.slice(1)) : host === listed

/**
 * The platform whose public API host this URL is on, when it is another's than `type`, with that host (one of the
 * listed public hosts, or a host under a listed domain, so safe to print: the token is in the path or query); never
 * throws. A proxy or a private deployment's host is nobody's, and is not warned about.
 */
export function otherPlatformOf(type: string, url: string): { type: PlatformName; label: string; host: string } | undefined {
  if (!URL.canParse(url)) return undefined
  const host = new URL(url).hostname.toLowerCase()
  const names = Object.keys(platforms) as PlatformName[]
  const other = names.find((t) => t !== type && platforms[t].hosts.some((h) => hostMatches(h, host)))
  return other && { type: other, label: platforms[other].label, host }
}
