import Mustache from 'mustache'
import { clip } from './bytes.js'
import { actorOf, buildContent, type Content } from './content.js'
import { neutral, safeUrl } from './escape.js'
import { formatDuration, formatTime } from './format.js'
import { MARKS, strings } from './i18n.js'
import type { RenderInput } from './types.js'

/**
 * How a value is written where the template puts it: in the target's message format, as its platform's syntax
 * writes user text (Composer.valueText). A plain-text message shows every character as it is.
 */
export type ValueText = (s: string) => string

const asIs: ValueText = (s) => s

/**
 * Event data for a rule template: every string neutralised like any user text (URL fields made safe instead), so
 * `{{commit.title}}` — or `{{{commit.title}}}` — cannot inject a link, tag or mention into the message, then written
 * as the message format needs (a value at a markdown line's start cannot make a heading or list).
 */
function safeData(v: unknown, text: ValueText, key = ''): unknown {
  if (typeof v === 'string') return /(^|_)url$/.test(key) ? (safeUrl(v) ?? '') : text(neutral(v))
  if (Array.isArray(v)) return v.map((x) => safeData(x, text, key))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safeData(x, text, k)]))
  return v
}

/** What `{{…}}` can name: the event's fields plus ready-made words in the target's locale and timezone. */
export function templateView(input: RenderInput, text: ValueText = asIs): Record<string, unknown> {
  const safe = (v: string): string => text(neutral(v))
  const e = input.event
  const t = strings[input.locale]
  const failed = (e.stages ?? []).flatMap((s) => s.jobs.filter((j) => j.status === 'failed').map((j) => ({ ...j, stage: s.name })))
  return {
    ...(safeData(e, text) as Record<string, unknown>),
    mark: MARKS[e.status],
    status_text: t.status[e.status],
    kind_text: t.kind[e.kind],
    transition: input.transition ?? '',
    transition_text: input.transition && input.transition !== 'first' ? t.transition(input.transition, e.kind) : '',
    short_sha: e.sha?.slice(0, 8) ?? '',
    branch_or_tag: safe(e.tag ?? e.branch ?? e.ref ?? ''),
    // the name the built-in 触发人 line shows; `actor.name` is only what the CI sent (none from GitHub)
    actor_text: safe(actorOf(input) ?? ''),
    duration_text: e.duration_s !== undefined ? formatDuration(e.duration_s, t) : '',
    finished_at_local: formatTime(e.finished_at, input.timezone) ?? '',
    started_at_local: formatTime(e.started_at, input.timezone) ?? '',
    failed_jobs: safeData(failed, text),
    target: input.route.target,
  }
}

const TITLE_CAP = 256

// The data is already safe; Mustache's own HTML escaping would show `&amp;` literally on both platforms.
const render = (tpl: string, view: Record<string, unknown>): string => Mustache.render(tpl, view, {}, { escape: (s: string) => s })

/**
 * The built-in content with the rule's template in place of the heading and/or body. Mentions, keyword, link and
 * limits are handled exactly as for built-in messages (the platform renderers see the same Content).
 */
export function templateContent(input: RenderInput, tpl: { title?: string; body?: string }, text: ValueText = asIs): Content {
  const c = buildContent(input)
  const view = templateView(input, text)
  // the heading is never shortened later, so a title that expands to a whole commit message is clipped here
  const title = tpl.title !== undefined ? clip(render(tpl.title, view).replace(/\s+/g, ' ').trim(), TITLE_CAP).text : ''
  const body = tpl.body !== undefined ? render(tpl.body, view).trim() : undefined
  return {
    ...c,
    headline: title || c.headline,
    blocks: body !== undefined ? [{ kind: 'raw', id: 'body', text: body }] : c.blocks,
  }
}

export const contentFor = (input: RenderInput, text: ValueText = asIs): Content =>
  input.route.template ? templateContent(input, input.route.template, text) : buildContent(input)
