import type { Status } from './event.js'

// What routing decides for an event, shared by the rules (which decide it), the store (which keeps it) and the
// renderers (which read it). Types only, beside src/event.ts, so none of those folders imports another for them.

/** Build-state transition of a finished event against the last finished run of the same pipeline. */
export type Transition = 'broken' | 'fixed' | 'still_failing' | 'first'

/** The last finished run of one pipeline (source, project, branch or tag, name), kept in the store. */
export type PipelineState = {
  status: Status
  number?: number
  attempt?: number
  event_id: string
  finished_at?: string
  /** While failed: when we received the run that broke it (kept across still-failing runs), for a reminder's "for 4 hours". */
  failing_since?: string
}

/** One mention as the rule asked for it and how the people directory resolved it. */
export type Mention = {
  /** What the rule said: a role (`author`, `actor`, `culprits`) or a name from `people`. */
  as: string
  /** Display name (the person's directory name, else the name/username the event carries). */
  name: string
  /** True when the directory knows the person; an unresolved mention is written by name, without an @. */
  resolved: boolean
  /**
   * How the directory found the person (rules/people.ts): the source's username; an e-mail the source vouches for;
   * a commit e-mail (`people_match.commit_emails`); a commit e-mail of the person the actor already is; the display
   * name (`people_match.names`); or named in `mention`.
   */
  via?: 'username' | 'email' | 'commit_email' | 'actor_email' | 'name' | 'people'
  /**
   * Unresolved only, when the directory nearly knew them: a name several people share, or a match by a means the
   * file does not trust (`person` is whom it would have been). For `ci-notify test`; never turned into an @.
   */
  unmatched?: { reason: 'ambiguous'; count: number } | { reason: 'name' | 'commit_email'; person: string }
  /** The person's id on each chat platform that knows them, by platform name (people's `dingtalk:`, `wecom:`…). */
  ids?: Record<string, string>
  mobile?: string
}

/** What one target gets for one event. A target reached by several rules appears once, mentions unioned. */
export type TargetRoute = {
  target: string
  /** Names of the rules that sent the event here, in file order. */
  rules: string[]
  mentions: Mention[]
  /** `mention: [all]` on any of the rules. */
  all: boolean
  /** The first matching rule's template, if it has one. */
  template?: { title?: string; body?: string }
  /** Every rule that sent the event here was muted by its time intervals then: not sent now (rules/hold.ts). */
  hold?: Hold
  /**
   * The first rule that sent the event here holds its deliveries in groups (`group_wait`): the group it joins is this
   * rule's, for this key (its `group_by` values) and target; the first event opens it for `wait_ms`.
   */
  group?: { rule: string; key: string; wait_ms: number }
  /** A failed newest run, sent here by a rule with `remind_every`: remind this often while the pipeline stays broken. */
  remind?: { rule: string; every_ms: number }
}

/**
 * A delivery held by a rule's time intervals (quiet hours): stored `held` (or `dropped`), never sent itself; at
 * `until` its target gets one catch-up digest of everything held in the same `window`, unless `catch_up` is `drop`.
 */
export type Hold = {
  /** Epoch ms: the first moment the rule is not muted any more. */
  until: number
  /** The mute interval's name, or "outside <active intervals>". */
  reason: string
  /** `interval:<reason>@<ISO until>`: what the catch-up claims and sums up (Delivery.muted_by, catch_up_of). */
  window: string
  catch_up: 'digest' | 'drop'
}

/** The routing decision stored with each event (visible in GET /api/events/:id). */
export type Routing = {
  transition: Transition | null
  /** Names of every rule that matched, in file order. */
  matched: string[]
  targets: TargetRoute[]
  /** Mentions that did not resolve through the directory (by name), for the test CLI and the API. */
  unresolved: string[]
}

/** What the ingest path decides, given the pipeline's previous state; pure, runs inside the store's transaction. */
export type Decision = {
  routing: Routing
  /** New state for the pipeline, or undefined to leave it (not finished, or older than what we have). */
  state?: PipelineState
}
