import { z } from 'zod'
import { targetCommon } from '../common/target.js'

/** A WeCom group robot (群机器人): the key in its URL is its only credential; 20 messages a minute. */
export const WeComTarget = z
  .object({
    type: z.literal('wecom'),
    ...targetCommon({ maxRate: 20, label: 'WeCom robot' }),
    msgtype: z.enum(['markdown', 'text']).default('markdown'),
  })
  .strict()
export type WeComTarget = z.infer<typeof WeComTarget>
