import type { Status } from '../../src/event.js'
import type { Fields } from './json-fields.js'
import { secondsBetween } from './parse-time.js'
import { mapStatus, statusFields } from './status.js'

/** How an Actions-shaped source names its run's outcome (`conclusion`, once set) and its state before that (`status`). */
export type RunTables = { conclusion: Readonly<Record<string, Status>>; status: Readonly<Record<string, Status>> }

/**
 * The fields every GitHub-Actions-shaped `workflow_run` payload (GitHub's, Gitea's) gives alike: its dedupe key
 * (run id, attempt, action), its status, ref and run numbers, and its times. The status comes from the run object,
 * not the action: a re-run can report `requested` on a run that had completed. The finish time is kept only once the
 * run has finished. `times` names the run's fields for its start and its end, which the two sources call differently.
 */
export function actionsRun(body: Fields, run: Fields, tables: RunTables, times: { started: string; ended: string }) {
  const native = run.optStr('status') ?? body.str('action')
  const conclusion = run.optStr('conclusion')
  const status = conclusion ? mapStatus(tables.conclusion, conclusion) : mapStatus(tables.status, native)
  const sf = statusFields(status, conclusion ? `${native}/${conclusion}` : native)
  const branch = run.optStr('head_branch')
  const started = run.optTime(times.started)
  const ended = sf.finished ? run.optTime(times.ended) : undefined
  return {
    key: `workflow_run:${run.num('id')}:${run.optNum('run_attempt') ?? 1}:${body.str('action')}`,
    kind: 'pipeline' as const,
    ...sf,
    ref: branch,
    branch,
    sha: run.optStr('head_sha'),
    number: run.optNum('run_number'),
    attempt: run.optNum('run_attempt'),
    url: run.optStr('html_url'),
    started_at: started,
    finished_at: ended,
    duration_s: secondsBetween(started, ended),
  }
}
