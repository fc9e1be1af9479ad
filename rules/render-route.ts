import type { CommonEvent } from '../src/event.js'
import { renderers } from '../src/render/index.js'
import type { RobotMessage } from '../src/render/types.js'
import type { CompiledRules } from './compile.js'
import { knownActor } from './people.js'
import type { Routing, TargetRoute } from './types.js'

/** The exact bodies one target would get for this event (the sender only adds msgUuid), as the worker renders them. */
export function renderRoute(event: CommonEvent, rules: CompiledRules, route: TargetRoute, transition: Routing['transition']): RobotMessage[] {
  const target = rules.targets[route.target]
  const d = rules.config.defaults
  const actorName = knownActor(rules.people, event)?.name
  return renderers[target.type].render({ event, route, transition, target, locale: target.locale ?? d.locale, timezone: target.timezone ?? d.timezone, ...(actorName && { actorName }) })
}
