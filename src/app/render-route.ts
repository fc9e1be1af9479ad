import type { CommonEvent } from '../event.js'
import { renderers } from '../platforms/index.js'
import type { RobotMessage } from '../render/types.js'
import type { CompiledRules } from '../../rules/compile.js'
import { knownActor } from '../../rules/people.js'
import type { Routing, TargetRoute } from '../routing.js'

/** The exact bodies one target would get for this event (the sender only adds msgUuid), as the worker renders them. */
export function renderRoute(event: CommonEvent, rules: CompiledRules, route: TargetRoute, transition: Routing['transition']): RobotMessage[] {
  const target = rules.targets[route.target]
  const d = rules.config.defaults
  const actorName = knownActor(rules.people, event)?.name
  return renderers[target.type].render({ event, route, transition, target, locale: target.locale ?? d.locale, timezone: target.timezone ?? d.timezone, ...(actorName && { actorName }) })
}
