import { exampleMessages } from '../platforms/examples.js'

/**
 * The message gallery of docs/messages.md: per registered platform (src/platforms/index.ts), each example of
 * exampleMessages() as its heading, its msgtypes and one fenced block per message. A platform added to the registry
 * appears here with no other change.
 */
export function messageGallery(): string {
  const out: string[] = []
  let platform = ''
  for (const e of exampleMessages()) {
    if (e.platform !== platform) {
      platform = e.platform
      out.push(`### ${e.label}`, '', `\`type: ${e.platform}\``, '')
    }
    out.push(`**${e.label} · ${e.name} · ${e.locale}** (${e.messages.map((m) => m.msgtype).join(' + ')})`, '')
    for (const m of e.messages) out.push(fenced(m.shown), '')
  }
  return out.join('\n')
}

/** A code block whose fence is longer than any run of backticks in the text, so no body can close it early. */
function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}\n${text}\n${fence}`
}
