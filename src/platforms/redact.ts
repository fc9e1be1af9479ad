import { redactUrl } from '../redact.js'
import { SECRET_PARAMS, SECRET_PATH_PREFIXES } from './index.js'

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// The rest of the path after a declared prefix, all its segments (Slack's credential is three): URL path characters
// (unreserved, `/` and %-escapes) only, so the `?query`, or the `:` or `)` a message puts after a URL, stays.
const SECRET_PATHS = SECRET_PATH_PREFIXES.length ? new RegExp(`(${SECRET_PATH_PREFIXES.map(escapeRe).join('|')})[A-Za-z0-9._~%/-]+`, 'g') : undefined
// A declared parameter's value up to the next parameter, fragment, space or quote, or the `:` or `)` a message puts
// after a URL (neither is in a SAS signature, which is base64url, percent-escaped at most).
const SECRET_QUERY = SECRET_PARAMS.length ? new RegExp(`([?&](?:${SECRET_PARAMS.map(escapeRe).join('|')})=)[^&#\\s"':)]*`, 'gi') : undefined

/**
 * redactUrl (src/redact.ts: credentials in the query) plus the credentials the registered platforms declare: path
 * tokens (Platform.secretPathPrefix: Feishu's `/open-apis/bot/v2/hook/<token>`, Slack's `/services/T…/B…/<secret>`)
 * and query parameters (Platform.secretParams: Teams' `sig`). A prefix as general as `/services/` may also hide the
 * path of some other URL in an error: hiding too much is the safe side. Here and not in src/redact.ts because it
 * reads the registry, which src/ itself must not import (no folder cycle). Use it wherever a robot URL, or text that
 * may hold one, is shown.
 */
export function redactRobotUrl(text: string): string {
  let out = redactUrl(text)
  if (SECRET_QUERY) out = out.replace(SECRET_QUERY, '$1***')
  return SECRET_PATHS ? out.replace(SECRET_PATHS, '$1***') : out
}
