import { redactUrl } from '../redact.js'
import { SECRET_PATH_PREFIXES } from './index.js'

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// The rest of the path after a declared prefix, all its segments (Slack's credential is three): URL path characters
// (unreserved, `/` and %-escapes) only, so the `?query`, or the `:` or `)` a message puts after a URL, stays.
const SECRET_PATHS = SECRET_PATH_PREFIXES.length ? new RegExp(`(${SECRET_PATH_PREFIXES.map(escapeRe).join('|')})[A-Za-z0-9._~%/-]+`, 'g') : undefined

/**
 * redactUrl (src/redact.ts: credentials in the query) plus the path credentials the registered platforms declare
 * (Platform.secretPathPrefix: Feishu's `/open-apis/bot/v2/hook/<token>`, Slack's `/services/T…/B…/<secret>`). A
 * prefix as general as `/services/` may also hide the path of some other URL in an error: hiding too much is the safe
 * side. Here and not in src/redact.ts because
 * it reads the registry, which src/ itself must not import (no folder cycle). Use it wherever a robot URL, or text
 * that may hold one, is shown.
 */
export function redactRobotUrl(text: string): string {
  const out = redactUrl(text)
  return SECRET_PATHS ? out.replace(SECRET_PATHS, '$1***') : out
}
