import type { RobotMessage } from '../../render/types.js'

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
