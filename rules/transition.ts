import type { CommonEvent, Status } from '../src/event.js'
import type { PipelineState, Transition } from '../src/routing.js'

/** Only these say something about a pipeline's health; a canceled or skipped run neither breaks nor fixes it. */
const HEALTH: readonly Status[] = ['success', 'failed', 'unstable']

/**
 * True when `event` is an older run than the stored state: a lower number, or the same number and a lower attempt
 * (GitHub re-runs), or — same run, or numbers missing — an earlier finish (a GitLab pipeline retried under the same
 * id whose two results arrive out of order: GitLab does not order its hook deliveries). An older run finishing late
 * must not flip the state of the newer one.
 */
export function isOlder(event: CommonEvent, prev: PipelineState): boolean {
  if (event.number !== undefined && prev.number !== undefined) {
    if (event.number !== prev.number) return event.number < prev.number
    const a = event.attempt ?? 1
    const b = prev.attempt ?? 1
    if (a !== b) return a < b
  }
  return event.finished_at !== undefined && prev.finished_at !== undefined && Date.parse(event.finished_at) < Date.parse(prev.finished_at)
}

/** broken = success/unstable → failed; fixed = failed → success; still_failing = failed → failed; first = nothing before. */
export function transitionOf(prev: PipelineState | undefined, status: Status): Transition | null {
  if (!HEALTH.includes(status)) return null
  if (!prev) return 'first'
  if (status === 'failed') return prev.status === 'failed' ? 'still_failing' : 'broken'
  if (status === 'success' && prev.status === 'failed') return 'fixed'
  return null
}

/** The transition of a finished event, and the state to store (undefined: leave what the store has). */
export function compare(event: CommonEvent, prev: PipelineState | undefined): { transition: Transition | null; state?: PipelineState } {
  if (!event.finished || !HEALTH.includes(event.status) || (prev && isOlder(event, prev))) return { transition: null }
  const state: PipelineState = {
    status: event.status,
    event_id: event.id,
    ...(event.number !== undefined && { number: event.number }),
    ...(event.attempt !== undefined && { attempt: event.attempt }),
    ...(event.finished_at !== undefined && { finished_at: event.finished_at }),
    ...(event.status === 'failed' && { failing_since: prev?.status === 'failed' ? (prev.failing_since ?? prev.finished_at ?? event.received_at) : event.received_at }),
  }
  return { transition: transitionOf(prev, event.status), state }
}
