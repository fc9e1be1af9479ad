import { isIPv4 } from 'node:net'

/**
 * Whether `ip` is in an allowlist entry: an exact address, IPv4 CIDR (`10.0.0.0/8`) or, as Feishu also writes them,
 * a trailing wildcard (`123.12.1.*`). No IPv6 ranges: neither robot documents them.
 */
export function ipMatches(ip: string, entry: string): boolean {
  if (entry.includes('*')) {
    const re = new RegExp(`^${entry.split('*').map((p) => p.replace(/\./g, '\\.')).join('\\d{1,3}')}$`)
    return isIPv4(ip) && re.test(ip)
  }
  const [base, bitsText] = entry.split('/')
  if (!bitsText) return ip === base
  if (!isIPv4(ip) || !isIPv4(base)) return false
  const toInt = (a: string) => a.split('.').reduce((n, p) => (n << 8) + Number(p), 0) >>> 0
  const bits = Number(bitsText)
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
  return (toInt(ip) & mask) === (toInt(base) & mask)
}
