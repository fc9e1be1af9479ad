import { z } from 'zod'
import { describe as d, targetCommon } from '../common/target.js'

/**
 * A Microsoft Teams channel's Workflows webhook: the Power Automate trigger "When a Teams webhook request is received"
 * (template "Send webhook alerts to a channel"). Its URL is on `*.logic.azure.com`
 * (`…/workflows/<id>/triggers/manual/paths/invoke?api-version=…&sp=…&sv=1.0&sig=<signature>`) or on
 * `*.environment.api.powerplatform.com`; the `sig` in its query is the credential. The Office 365 connectors
 * (`*.webhook.office.com`) are retired: `check` warns about one (index.ts).
 *
 * Rate: "If more than four requests are made in a second, the client connection is throttled"
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook),
 * and the connectors' table adds 60 in 30 s, 100 an hour and 1,800 a day (whether Workflows keep those is not
 * documented). A rate_per_minute of at most 60 never sends more than 60 in 30 s, however the shared limiter paces;
 * the default of 8 sends at most 4 at once (half the budget), inside 4 a second even unpaced. A 429 carries
 * Retry-After, which the worker waits out while it digests what waits.
 */
export const TeamsTarget = z
  .object({
    type: z.literal('teams'),
    ...targetCommon({ maxRate: 60, defaultRate: 8, label: 'Teams Workflows' }),
    webhook: z
      .string()
      .meta(
        d(
          'Teams Workflows webhook URL (trigger "When a Teams webhook request is received"; its sig= is the credential: use ${VAR}). Office 365 connector URLs (*.webhook.office.com) are retired and no longer deliver. Empty = dry run, messages are only logged',
        ),
      ),
  })
  .strict()
export type TeamsTarget = z.infer<typeof TeamsTarget>
