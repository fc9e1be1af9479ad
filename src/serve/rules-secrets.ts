import type { CompiledRules } from '../../rules/compile.js'

/**
 * Secret values a rules file brings: each robot webhook URL whole, its credential query values (DingTalk
 * `access_token`, WeCom `key`) and DingTalk signing secrets. Fed to the logger's redaction on every line.
 */
export function rulesSecrets(rules: CompiledRules | undefined): string[] {
  if (!rules) return []
  const out: string[] = []
  for (const t of Object.values(rules.targets)) {
    if (t.webhook) {
      out.push(t.webhook)
      try {
        for (const [, v] of new URL(t.webhook).searchParams) if (v) out.push(v, encodeURIComponent(v))
      } catch (err) {
        if (!(err instanceof TypeError)) throw err
        // Not a URL (the sender will reject it with a redacted error); the whole string is already listed.
      }
    }
    if (t.type === 'dingtalk' && t.secret) out.push(t.secret)
  }
  return out
}
