import mustache from 'mustache'
import { CommonEvent } from '../src/event.js'
import { templateView } from '../src/render/template.js'
import type { RenderInput } from '../src/render/types.js'

/**
 * The names a rule template can use at its top level: the event's fields plus the renderer's ready-made words
 * (`status_text`, `branch_or_tag`…), read from the renderer itself so the two cannot drift apart.
 */
export const TEMPLATE_NAMES: readonly string[] = (() => {
  const event: CommonEvent = {
    id: 'x', source: 'gitlab', kind: 'pipeline', status: 'success', source_status: 'success', finished: true,
    project: { name: 'x', path: 'x' }, delivery_id: 'x', received_at: '2026-01-01T00:00:00.000Z',
  }
  const input: RenderInput = {
    event,
    route: { target: 'x', rules: [], mentions: [], all: false },
    transition: null,
    target: { type: 'wecom', msgtype: 'markdown' },
    locale: 'en',
    timezone: 'UTC',
  }
  return [...new Set([...Object.keys(CommonEvent.shape), ...Object.keys(templateView(input))])]
})()

type Token = [string, string, number, number, Token[]?]

/**
 * Names used outside any section whose first part is not a known name: `{{comit.title}}` would silently render
 * empty. Names inside `{{#stages}}…{{/stages}}` are relative to the section and are not checked. Throws on syntax.
 */
export function unknownTemplateNames(template: string): string[] {
  const tokens = mustache.parse(template) as unknown as Token[]
  const out: string[] = []
  for (const [type, name] of tokens) {
    if (!['name', '&', '{', '#', '^'].includes(type) || name === '.') continue
    if (!TEMPLATE_NAMES.includes(name.split('.')[0])) out.push(name)
  }
  return out
}
