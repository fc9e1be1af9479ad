/**
 * Strip secrets from anything that may be shown: robot URLs carry their credential in the query
 * (DingTalk `access_token`, plus `sign`/`timestamp`; WeCom `key`). Used by the HTTP helper's errors, the logger and
 * every API answer that could echo a target.
 */
const SECRET_PARAMS = /([?&](?:access_token|key|sign|token|secret)=)[^&#\s"']*/gi

export function redactUrl(text: string): string {
  return text.replace(SECRET_PARAMS, '$1***')
}

/** Replace every occurrence of each known secret value (configured tokens, signing secrets) with ***. */
export function redactValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text
  for (const s of secrets) {
    // includes() first: most lines hold no secret, and a split allocates even when it finds nothing.
    if (s && s.length >= 4 && out.includes(s)) out = out.split(s).join('***')
  }
  return out
}
