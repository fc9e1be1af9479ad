import { z } from 'zod'

/** The languages ci-notify writes its messages in. */
export const Locale = z.enum(['zh-CN', 'en'])
export type Locale = z.infer<typeof Locale>
