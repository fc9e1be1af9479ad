import type { Renderer } from '../render/types.js'
import type { Platform, TargetBase } from './common/types.js'
import { dingtalk } from './dingtalk/index.js'
import { feishu } from './feishu/index.js'
import { slack } from './slack/index.js'
import { teams } from './teams/index.js'
import { wecom } from './wecom/index.js'

/**
 * The chat platforms. Adding one is a folder beside these (its target schema, delivery, renderer) and one line here;
 * the rules schema, people's ids, `check`, redaction, the worker and the docs read this.
 */
export const platforms = { dingtalk, wecom, feishu, slack, teams } as const

export type PlatformName = keyof typeof platforms
export const PLATFORM_NAMES = Object.keys(platforms) as PlatformName[]

/** The platform of a target's `type` (the rules schema only admits registered types). */
export const platformOf = (type: string): Platform<TargetBase> => platforms[type as PlatformName] as unknown as Platform<TargetBase>

/** Each platform's renderer, by target type. */
export const renderers = Object.fromEntries(PLATFORM_NAMES.map((n) => [n, platforms[n].renderer])) as Record<PlatformName, Renderer>

/** The path prefixes after which a webhook's path segment is its credential (Platform.secretPathPrefix). */
export const SECRET_PATH_PREFIXES: readonly string[] = PLATFORM_NAMES.flatMap((n) => platformOf(n).secretPathPrefix ?? [])

/** The query parameters whose values are a webhook's credential on some platform (Platform.secretParams). */
export const SECRET_PARAMS: readonly string[] = [...new Set(PLATFORM_NAMES.flatMap((n) => platformOf(n).secretParams ?? []))]
