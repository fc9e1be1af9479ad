import type { CommonEvent } from '../event.js'
import { platformOf } from '../platforms/index.js'
import { showMessages, type ShownMessage } from '../platforms/show.js'
import type { RobotMessage } from '../render/types.js'
import type { Routing, TargetRoute } from '../routing.js'
import type { CompiledRules } from '../../rules/compile.js'
import { renderRoute } from './render-route.js'

/** What one target would get for an event: the exact bodies, how the group reads them, or why none can be made. */
export type TargetPreview = {
  route: TargetRoute
  /** The target's type and its platform's label; undefined when the rules no longer have the target. */
  type?: string
  label?: string
  /** No webhook in the rules: the worker only logs what it renders (dry run). */
  noWebhook: boolean
  bodies: RobotMessage[]
  shown: ShownMessage[]
  error?: string
}

/**
 * The messages each routed target gets, rendered as the worker renders them (renderRoute) and read as a person reads
 * them (showMessages). Pure: nothing is sent or stored. Shared by `ci-notify test`, the console's event detail and
 * its playground. A target that cannot be rendered (removed from the rules since, a template error) says why.
 */
export function previewTargets(event: CommonEvent, rules: CompiledRules, routes: TargetRoute[], transition: Routing['transition']): TargetPreview[] {
  return routes.map((route) => {
    const target = rules.targets[route.target]
    if (!target) return { route, noWebhook: false, bodies: [], shown: [], error: `the rules loaded now have no target "${route.target}"` }
    const base = { route, type: target.type, label: platformOf(target.type).label, noWebhook: target.webhook === '' }
    try {
      const bodies = renderRoute(event, rules, route, transition)
      return { ...base, bodies, shown: showMessages(target.type, bodies) }
    } catch (err) {
      return { ...base, bodies: [], shown: [], error: `cannot render: ${(err as Error).message}` }
    }
  })
}
