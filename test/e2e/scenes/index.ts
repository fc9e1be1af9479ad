import { dingtalk } from './dingtalk.js'
import { feishu } from './feishu.js'
import type { Scene } from './types.js'
import { wecom } from './wecom.js'

/** Every platform the end-to-end suite runs: one line per platform. */
export const scenes: Scene[] = [dingtalk, wecom, feishu]
