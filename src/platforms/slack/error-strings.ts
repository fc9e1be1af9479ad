import type { Verdict } from '../common/types.js'

/**
 * The plain-text error strings a Slack incoming webhook answers with, with the HTTP status of the ones Slack's
 * changelog gives (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks) and the rest
 * from the webhook guide's list (https://api.slack.com/messaging/webhooks#handling_errors). Every one but
 * `rollup_error` is final: a gone or forbidden channel, a revoked hook, a disabled team or a body Slack cannot read
 * fails the same way again. Keys are the exact strings, so a metric label can only be one of these.
 */
export const SLACK_ERRORS: Record<string, { verdict: Verdict; meaning: string }> = {
  invalid_payload: { verdict: { kind: 'permanent' }, meaning: '400: the body is not JSON Slack can read' },
  user_not_found: { verdict: { kind: 'permanent' }, meaning: '400: a user in the request does not exist' },
  no_text: { verdict: { kind: 'permanent' }, meaning: 'no text, blocks or attachments' },
  invalid_blocks: { verdict: { kind: 'permanent' }, meaning: 'a block Slack does not accept (type, size, count)' },
  invalid_attachments: { verdict: { kind: 'permanent' }, meaning: 'attachments Slack cannot read' },
  too_many_attachments: { verdict: { kind: 'permanent' }, meaning: 'over 100 attachments' },
  action_prohibited: { verdict: { kind: 'permanent' }, meaning: '403: the workspace forbids posting there' },
  posting_to_general_channel_denied: { verdict: { kind: 'permanent' }, meaning: 'only admins may post in #general' },
  channel_not_found: { verdict: { kind: 'permanent' }, meaning: "404: the webhook's channel is gone" },
  channel_is_archived: { verdict: { kind: 'permanent' }, meaning: "410: the webhook's channel is archived" },
  no_service: { verdict: { kind: 'permanent' }, meaning: 'the webhook is disabled, removed or wrong' },
  no_service_id: { verdict: { kind: 'permanent' }, meaning: 'the URL has no webhook id' },
  no_team: { verdict: { kind: 'permanent' }, meaning: 'the URL has no or a wrong team' },
  team_disabled: { verdict: { kind: 'permanent' }, meaning: 'the workspace is disabled' },
  invalid_token: { verdict: { kind: 'permanent' }, meaning: "the webhook's token is revoked or wrong" },
  no_active_hooks: { verdict: { kind: 'permanent' }, meaning: 'the app has no active webhook' },
  rollup_error: { verdict: { kind: 'retry' }, meaning: '500: "likely not your fault", try again' },
}

/** What Slack's error string means for the next attempt, or undefined when it is not one Slack documents. */
export const classifySlack = (error: string): Verdict | undefined => (Object.hasOwn(SLACK_ERRORS, error) ? SLACK_ERRORS[error].verdict : undefined)
