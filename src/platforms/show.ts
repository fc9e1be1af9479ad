import type { RobotMessage } from '../render/types.js'
import { platformOf } from './index.js'

/** One robot message as a person reads it: its kind (msgtype) and its text (JSON only for what is not text). */
export type ShownMessage = { msgtype: string; shown: string }

/** The default reading of a `{msgtype, markdown|text}` body (DingTalk, WeCom); a platform may declare its own `show`. */
function showBody(m: RobotMessage): string {
  const b = m as { msgtype: string; markdown?: { title?: string; text?: string; content?: string }; text?: Record<string, unknown> }
  if (b.markdown) return b.markdown.text ?? b.markdown.content ?? ''
  const { content, ...lists } = b.text ?? {}
  return `${String(content)}\n${JSON.stringify(lists)}`
}

/**
 * What the group sees of each message a target of this type gets, as the docs' gallery and the console's chat
 * bubbles show it. Reads the registry (Platform.show, Platform.kind), so a new platform needs no change here.
 */
export function showMessages(type: string, ms: RobotMessage[]): ShownMessage[] {
  const p = platformOf(type)
  const show = p.show ?? showBody
  const kind = p.kind ?? ((m: RobotMessage) => String(m.msgtype ?? m.msg_type))
  return ms.map((m) => ({ msgtype: kind(m), shown: show(m) }))
}
