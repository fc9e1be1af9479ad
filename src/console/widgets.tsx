import { adapters, isSource } from '../../adapters/index.js'
import type { ShownMessage } from '../platforms/show.js'
import type { TargetPreview } from '../app/preview.js'
import type { View } from './view.js'
import { Badge } from './layout.js'
import { ChatText } from './chat-text.js'
import { safeHref } from './safe-href.js'


export const MaybeLink = (props: { href?: string; text: string }) => {
  const href = safeHref(props.href)
  return href ? (
    <a href={href} rel="noopener noreferrer" target="_blank">
      {props.text}
    </a>
  ) : (
    <>{props.text}</>
  )
}

export const sourceLabel = (s: string) => (isSource(s) ? adapters[s].label : s)

/** A source as a small mark (its initials) and its name. */
export const SourceMark = (props: { source: string }) => (
  <span class="badge" title={sourceLabel(props.source)}>
    {sourceLabel(props.source)}
  </span>
)

export const StatusBadge = (props: { status: string }) => <Badge cls={`st-${props.status}`} text={props.status} />
export const TransitionBadge = (props: { transition: string | null }) => (props.transition ? <Badge cls={`tr-${props.transition}`} text={props.transition} /> : <></>)

/** One message as a chat bubble: what a person in the group reads, as text (never as markup: it is CI text). */
const Bubble = (props: { m: ShownMessage }) => (
  <div class="bubble">
    <div class="msgtype">{props.m.msgtype}</div>
    <ChatText text={props.m.shown} />
    <details>
      <summary>source</summary>
      <pre>{props.m.shown}</pre>
    </details>
  </div>
)

/** Every routed target's messages side by side, as the group would see them. */
export function Previews(props: { v: View; previews: TargetPreview[] }) {
  if (!props.previews.length) return <p>{props.v.t.noTargets}</p>
  return (
    <div class="previews">
      {props.previews.map((p) => (
        <div class="chat" data-target={p.route.target}>
          <div class="who">
            {p.route.target} · {p.label ?? '?'}
            {p.noWebhook ? ` · ${props.v.t.dryRun}` : ''}
          </div>
          {p.error ? <p class="error">{p.error}</p> : p.shown.map((m) => <Bubble m={m} />)}
        </div>
      ))}
    </div>
  )
}
