import { unescape } from 'node:querystring'
import type { Status } from '../../src/event.js'
import { defineSource } from '../common/define-source.js'
import type { RawRequest } from '../common/types.js'
import { fields, parseJsonBody, type Fields } from '../common/json-fields.js'
import { jenkinsXmlToJson } from './xml.js'
import { mapStatus, statusFields } from '../common/status.js'

/** `hudson.model.Result` on FINALIZED (COMPLETED carries the same result, earlier) → common status. */
const RESULT: Readonly<Record<string, Status>> = {
  SUCCESS: 'success',
  UNSTABLE: 'unstable',
  FAILURE: 'failed',
  ABORTED: 'canceled',
  NOT_BUILT: 'skipped',
}

export const jenkins = defineSource({
  name: 'jenkins',
  label: 'Jenkins',
  secret: { env: 'JENKINS_WEBHOOK_TOKEN', flag: 'jenkins-webhook-token', meaning: 'Jenkins token (?token= or Basic auth password); unset = unauthenticated (warned)' },

  // The plugin sends no signature and no header of its own: the token rides in the endpoint URL, as `?token=` or as
  // userinfo, which Java turns into `Authorization: Basic` (Protocol.java).
  auth: {
    credential: { kind: 'token', query: 'token', basic: true },
    missing: "missing token: add the query parameter token=<the value of JENKINS_WEBHOOK_TOKEN> to the Notification plugin's URL, or put it in the URL as user:token@",
    wrong: 'wrong token (the token query parameter or the Basic credentials): it is not the value of JENKINS_WEBHOOK_TOKEN',
  },
  // The Notification plugin's XML format.
  mediaTypes: ['application/xml', 'text/xml'],
  // No event header: the body's build.phase says what happened. No delivery id either: the key is derived (below).
  deliveryHeaders: [],
  setup: 'Notification plugin endpoint (JSON, HTTP), token in the URL',
  // Jenkins sends no actor; culprits are Jenkins user ids.
  vouchesActorEmail: false,
  // The Notification plugin sends build.full_url only when Jenkins knows its own root URL.
  noLinkHint: "set Jenkins' URL in Manage Jenkins → System (Jenkins URL), then the Notification plugin sends build.full_url",

  parse(req) {
    const body = fields(isXml(req) ? jenkinsXmlToJson(req.body) : parseJsonBody(req.body))
    const build = body.obj('build')
    const phase = build.str('phase')
    // COMPLETED and FINALIZED carry the same result; FINALIZED comes last, after post-build steps (JobListener.java).
    if (phase === 'COMPLETED') return { ignored: 'COMPLETED is followed by FINALIZED; notifying on FINALIZED only' }
    const result = build.optStr('status')
    const status: Status = phase === 'QUEUED' ? 'queued' : phase === 'FINALIZED' ? mapStatus(RESULT, result) : 'running'
    const jobUrl = body.str('url')
    const number = build.num('number')
    const path = jobPath(jobUrl) ?? body.str('name')
    const scm = build.optObj('scm')
    const branch = scm?.optStr('branch')?.replace(/^(refs\/remotes\/origin\/|refs\/heads\/|origin\/)/, '')
    const culprits = scm?.strList('culprits') ?? []
    const native = result ? `${phase}/${result}` : phase
    const finished = statusFields(status, native)
    const duration = build.optNum('duration')
    // build.timestamp: start for STARTED, "now" for FINALIZED (JobListener.java); duration is 0 until completed.
    const at = build.optTime('timestamp')
    return {
      source: 'jenkins',
      // A Jenkins build is the whole run, like a GitLab pipeline or a GitHub workflow run.
      kind: 'pipeline',
      ...finished,
      project: { name: body.optStr('display_name') ?? body.optStr('name') ?? path, path, url: projectUrl(build, jobUrl) },
      ref: branch,
      branch,
      sha: scm?.optStr('commit'),
      culprits: culprits.length > 0 ? culprits : undefined,
      number,
      name: body.optStr('display_name') ?? body.optStr('name') ?? path,
      url: build.optStr('full_url'),
      started_at: phase === 'STARTED' ? at : undefined,
      finished_at: finished.finished ? at : undefined,
      duration_s: finished.finished && duration ? duration / 1000 : undefined,
      // `url` is relative (`job/asgard/`): two controllers can share it. The absolute build URL, when Jenkins knows its
      // own URL, keeps their builds apart. The result is part of the key: a real Jenkins sends one FINALIZED per build,
      // so a retry of that body is a duplicate, but a FINALIZED/SUCCESS posted first by anyone holding the token must not
      // make the real FINALIZED/FAILURE a duplicate.
      delivery_id: `${build.optStr('full_url') ?? jobUrl}#${number}#${native}`,
    }
  },
})

function isXml(req: RawRequest): boolean {
  return /xml/i.test(req.headers.get('content-type') ?? '') || req.body.trimStart().startsWith('<')
}

/** `job/folder/job/name/` → `folder/name` (segments URL-decoded). */
function jobPath(url: string): string | undefined {
  const pathname = URL.canParse(url) ? new URL(url).pathname : url
  const segments = pathname.split('/').filter(Boolean)
  const names: string[] = []
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] === 'job') names.push(segments[++i])
  }
  return names.length > 0 ? names.map((s) => unescape(s)).join('/') : undefined
}

/** Jenkins root = full_url minus the build's relative url; the job's page is root + the job's relative url. */
function projectUrl(build: Fields, jobUrl: string): string | undefined {
  const full = build.optStr('full_url')
  const rel = build.optStr('url')
  if (!full || !rel || !full.endsWith(rel)) return undefined
  return URL.canParse(jobUrl) ? jobUrl : full.slice(0, full.length - rel.length) + jobUrl
}
