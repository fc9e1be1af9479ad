import { z } from 'zod'
import { describe as d, targetCommon } from '../common/target.js'

/** A DingTalk custom robot (自定义机器人). It takes 20 messages a minute and blocks a robot for 10 minutes beyond. */
export const DingTalkTarget = z
  .object({
    type: z.literal('dingtalk'),
    ...targetCommon({ maxRate: 20, label: 'DingTalk robot' }),
    secret: z.string().optional().meta(d('加签 secret (SEC…); empty = robot without signing')),
    keyword: z.string().optional().meta(d("The robot's custom keyword, always written into the message")),
    msgtype: z.enum(['markdown', 'actionCard', 'text']).default('markdown'),
  })
  .strict()
export type DingTalkTarget = z.infer<typeof DingTalkTarget>
