import type { CompiledRules } from './compile.js'
import { platformOf } from '../src/platforms/index.js'
import type { Target } from './schema.js'

/**
 * Secret values a rules file brings, for redaction: its sources' secrets, each robot webhook URL whole, its query values (where DingTalk
 * and WeCom carry their credential), the path credential of a platform that keeps it there (Feishu, Slack), and what each
 * platform adds (a signing secret). The logger asks for them on every line.
 */
export function rulesSecrets(rules: CompiledRules | undefined): string[] {
  if (!rules) return []
  // A configured source's secret (its secret_env's value) is one too.
  const sources = Object.values(rules.sources ?? {}).flatMap((s) => (s.secret ? [s.secret] : []))
  return [...Object.values(rules.targets).flatMap(targetSecrets), ...sources]
}

/** One target's secret values (see rulesSecrets); e.g. to scrub a robot's errmsg before it is stored or shown. */
export function targetSecrets(t: Target): string[] {
  const out: string[] = []
  if (t.webhook) {
    out.push(t.webhook)
    try {
      const url = new URL(t.webhook)
      for (const [, v] of url.searchParams) if (v) out.push(v, encodeURIComponent(v))
      for (const part of pathCredential(url.pathname, platformOf(t.type).secretPathPrefix)) out.push(part, decodeURIComponent(part))
    } catch (err) {
      if (!(err instanceof TypeError)) throw err
      // Not a URL (the sender rejects it with a redacted error); the whole string is already listed.
    }
  }
  out.push(...platformOf(t.type).secrets(t))
  return out
}

/**
 * The path after `prefix` (Platform.secretPathPrefix), as src/platforms/redact.ts hides it, and its last segment,
 * which is a credential on its own (Slack's secret after T…/B…/): a line that shows it alone is scrubbed too. The
 * prefix may come anywhere in the path, as the redaction finds it: a URL through a proxy (`/feishu/open-apis/…`).
 */
function pathCredential(pathname: string, prefix: string | undefined): string[] {
  const at = prefix ? pathname.indexOf(prefix) : -1
  if (!prefix || at < 0) return []
  const rest = pathname.slice(at + prefix.length).replace(/\/+$/, '')
  const last = rest.split('/').pop()
  return [...new Set([rest, last].filter((s): s is string => !!s))]
}
