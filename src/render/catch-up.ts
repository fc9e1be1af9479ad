import type { CommonEvent } from '../event.js'
import type { Content } from './content.js'
import { line, START, tone } from './digest.js'
import { fit } from './fit.js'
import { strings } from './i18n.js'
import type { Composer } from './composer.js'
import type { RenderInput, RobotMessage } from './types.js'

const FAILING = new Set(['failed', 'unstable'])

/**
 * The same pipeline, as rules/pipeline-key.ts has it (source, kind, project, branch or tag, name, and the environment
 * for deploys); restated here because render/ reads no rules.
 */
const pipelineOf = (e: CommonEvent): string =>
  [e.source, e.kind, e.project.path, e.tag ?? e.branch ?? e.ref ?? '', e.name ?? '', e.kind === 'deploy' ? (e.environment ?? e.deployment?.environment ?? '') : ''].join('|')

/**
 * One message for what a mute held back from one target: "while muted: 7 events, 2 still failing" (for a time
 * interval "during night: …", or "outside working-hours: …"), then the newest
 * event of each pipeline whose last held run failed (all pipelines' newest when none still fails), shortened with
 * "…and N more" until it fits one message. `held` is in arrival order (possibly only the newest of `total`).
 * No mentions: the people were not @-ed while muted, and a summary is no moment to wake them all at once.
 */
export function catchUp(held: RenderInput[], o: { total: number; target: RenderInput['target']; locale: RenderInput['locale']; during?: string }, composer: Composer): RobotMessage[] {
  const { total, target: fallback, during } = o
  const t = strings[held[0]?.locale ?? o.locale]
  const newest = new Map<string, RenderInput>()
  for (const i of held) {
    const key = pipelineOf(i.event)
    newest.delete(key) // re-inserted last: the map's order is the order of each pipeline's newest event
    newest.set(key, i)
  }
  const latest = [...newest.values()].reverse()
  const failing = latest.filter((i) => FAILING.has(i.event.status))
  const shown = failing.length ? failing : latest
  const c: Content = {
    tone: shown.length ? tone(shown) : 'muted',
    headline: t.catchUpTitle(total, failing.length, during),
    subject: [],
    blocks: shown.length ? [{ kind: 'list', id: 'events', heading: '', items: shown.map(line) }] : [],
    t,
  }
  const write = composer.compose(c, { target: held[0]?.target ?? fallback, mentions: [], all: false })
  return fit(c, 0, write, (ms) => composer.load(ms) <= 1, START)
}
