import type { z } from 'zod'
import type { Renderer, RenderTarget, RobotMessage } from '../../render/types.js'

/** What a failed robot call means for the next attempt. */
export type Verdict =
  | { kind: 'retry' }
  | { kind: 'rate_limited'; waitMs: number }
  /** Sign again and send once more at once (a stale signature); a second one is final. */
  | { kind: 'resign' }
  | { kind: 'permanent' }

/** The part of a target a platform's request needs; the whole target (rules/schema.ts) is wider. */
export type RobotTarget = { name: string; webhook: string; secret?: string }

/** One HTTP request to a robot, built at the moment of the attempt (signatures expire). */
export type RobotRequest = { url: string; body: unknown; headers?: Record<string, string> }

/** The robot's answer, as the transport received it. */
export type RobotReply = { status: number; text: string; headers: Record<string, string | string[] | undefined> }

/**
 * What a reply says: the message was accepted, or why not. `errmsg` is what the robot said (stored on the delivery,
 * shown by the API, so never a URL); `label` is the metric label (the errcode, or "http_<status>", "bad_reply").
 */
export type Reading = { ok: true } | { ok: false; verdict: Verdict; errmsg: string; errcode?: number; label: string }

/**
 * How one chat platform is posted to. Only this differs per platform: the HTTP client, timeouts, retries, backoff,
 * rate limits and digests are shared (src/senders, src/delivery).
 */
export interface PlatformDelivery {
  request(target: RobotTarget, message: RobotMessage, at: { uuid: string; nowMs: number }): RobotRequest
  read(reply: RobotReply): Reading
}

/** What every target has, whatever its platform (src/platforms/common/target.ts). */
export type TargetBase = { type: string; webhook: string; rate_per_minute: number; locale?: 'zh-CN' | 'en'; timezone?: string }

/**
 * One chat platform: everything that is that platform's, read through the registry (src/platforms/index.ts) by the
 * rules schema, `ci-notify check`, redaction, the renderers and the sender. Nothing outside its folder names it.
 */
export type Platform<T extends TargetBase = TargetBase> = {
  /** How people and docs call it: "DingTalk". */
  label: string
  /** The target's keys in the rules file, `type` being the platform's name. */
  target: z.ZodType<T>
  /**
   * The public API hosts of its webhooks: `check` warns about a target whose URL is another platform's. `*.example.com`
   * stands for any host under example.com (Teams' Workflows hosts are per region and per environment).
   */
  hosts: readonly string[]
  /** How a signing secret starts, when the platform gives it a prefix, and where ops find it (`check` warns otherwise). */
  secretPrefix?: { prefix: string; where: string }
  /**
   * When the webhook's credential is in its path (Feishu's …/hook/<token>, Slack's /services/T…/B…/<secret>): the path
   * up to it. The rest of the path after it, one segment or several, is redacted wherever a URL is shown
   * (src/platforms/redact.ts) and listed as a secret value with its last segment (rules/secrets.ts).
   */
  secretPathPrefix?: string
  /**
   * Query parameters that carry its webhook's credential beyond the ones every URL is redacted of (src/redact.ts):
   * their values are redacted wherever a URL is shown (src/platforms/redact.ts), as Teams' `sig`.
   */
  secretParams?: readonly string[]
  /** A target's secret values beyond its webhook URL and that URL's query values (a signing secret…). */
  secrets(target: T): string[]
  /** Its messages, from the shared content model (src/render/) under its own syntax, mentions and limits. */
  renderer: Renderer
  /**
   * What `check` says about one of its targets beyond the shared checks (a retired URL form…): the key and the
   * message, which never quotes the webhook or a secret.
   */
  warnings?: (target: T) => { key: string; message: string }[]
  /**
   * Why a rule's `mention: all` does nothing on its targets, when the platform has no way to mention everyone:
   * `check` warns about such a rule.
   */
  noMentionAll?: string
  /** What a person reads of one of its messages, for the docs' gallery; by default a `{msgtype, markdown|text}` body's text. */
  show?: (m: RobotMessage) => string
  /** The kind of one of its messages, as the docs' gallery names it; by default its `msgtype` or `msg_type`. */
  kind?: (m: RobotMessage) => string
  /** What a person's id on it is, for the rules schema's description of people's `<name>:` key; "user id" by default. */
  personId?: string
  /** The sample person 张三's id on this platform, for the docs' gallery (src/platforms/examples.ts). */
  exampleId?: string
  /** The target the docs' message gallery renders for (src/platforms/examples.ts). */
  exampleTarget: T & RenderTarget
  delivery: PlatformDelivery
  /** The least time between two sends to one webhook (Feishu 5 a second: 200; Slack about 1 a second: 1000), on top of its rate_per_minute. */
  minGapMs?: number
  /** Instants the platform asks senders to avoid (Feishu: the first seconds of :00 and :30): for a send at `ms`, until when it should wait, or undefined. */
  avoid?: (ms: number) => number | undefined
}
