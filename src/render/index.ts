import type { TargetType } from '../../rules/schema.js'
import { dingtalk } from './dingtalk.js'
import type { Renderer } from './types.js'
import { wecom } from './wecom.js'

/** One renderer per platform; a new platform is one file and one line here. */
export const renderers: Record<TargetType, Renderer> = { dingtalk, wecom }
