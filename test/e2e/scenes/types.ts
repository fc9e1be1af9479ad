import type { ManualClock } from '../../fake-im/manual-clock.js'

/**
 * One chat platform as the end-to-end suite (test/e2e/platforms.test.ts) drives it: its fake, started with one robot
 * whose group has Alice in it, and what the fake saw, in the same terms for every platform. A scene file per
 * platform, one line in scenes/index.ts: that is a platform's whole end-to-end coverage.
 */
export interface Scene {
  /** The target `type`, as in src/platforms/index.ts. */
  name: string
  /** Alice in `people:`: her id on this platform (`key: value` of her entry), and how the fake names her once notified. */
  alice: { key: string; value: string; notified: string }
  /** The platform's own ways of writing a mention in text, aimed at Alice and at everyone: a commit message carries them all. */
  mentionSyntax: string[]
  /** Whether the platform drops a resend by an idempotency key (DingTalk's msgUuid): then nothing is ever shown twice. */
  dedupes: boolean
  /** Starts the fake (on `clock` when given): one robot, Alice and everyone the mention syntax names in its group. */
  start(o?: { clock?: ManualClock }): Promise<SceneFake>
}

export interface SceneFake {
  /** The target's keys under `targets:` (type, webhook, secret, keyword…), written into the rules file. */
  target: Record<string, string | number>
  /** What must never reach a log line or an API answer: the credential in the URL, the signing secret. */
  secrets: string[]
  /** Messages the group shows, oldest first. */
  shown(): Shown[]
  /** Every request the fake answered, oldest first. */
  requests(): Request[]
  /**
   * The next two requests fail and the worker retries: an HTTP 500, then the platform's own transient error with
   * `quote` as its message (a robot or a proxy echoing the request URL: the worker logs and stores what it quotes).
   */
  failTwice(quote: string): void
  /** Answers every accepted request `ms` later: a send is in flight most of the time. */
  setLatency(ms: number): void
  close(): Promise<void>
}

export type Shown = {
  /** The fake's clock when it was shown. */
  at: number
  /** The message as the robot took it (its JSON body, parsed). */
  message: unknown
  /** What the group reads, as plain text. */
  visible: string
  /** Whom it notifies, in the fake's terms (`all` for everyone). */
  notified: string[]
  /** Mention markup the fake read but that notifies nobody (not a member, not backed). */
  unresolved: string[]
}

export type Request = {
  at: number
  http: number
  /** Taken (shown, or answered ok as a resend of one shown). */
  ok: boolean
  /** Refused for the rate: the platform's rate-limit code or a 429. */
  rateLimited: boolean
  /** A resend the platform recognised by its idempotency key: answered ok, not shown again. */
  duplicate: boolean
  /** A failure the test injected. */
  injected: boolean
}
