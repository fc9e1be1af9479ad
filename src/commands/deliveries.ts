import { parseArgs } from 'node:util'
import { DELIVERY_STATUSES } from '../store/types.js'
import { visibleLines } from '../terminal.js'
import { adminCall, serverBase } from './admin-client.js'

const HELP = `usage: ci-notify deliveries list [--status STATUS] [--limit N] [--json] [--url URL]
       ci-notify deliveries retry ID [--url URL]

Lists deliveries, or puts a dead letter back in the queue, through the admin API of a RUNNING ci-notify server
(GET /api/deliveries, POST /api/deliveries/ID/retry), so the server's worker is woken and sends it at once.
The server must be up; this command does not open the database itself.

options:
  --status STATUS   only deliveries in this state: ${DELIVERY_STATUSES.join(' | ')}
                    (TRIES counts every attempt to send; ERRCODE and LAST ERROR show on those not sent)
  --limit N         at most N, newest first (1–500, default 50)
  --json            print the API's JSON instead of a table
  --url URL         the server (default: $CI_NOTIFY_URL, else http://localhost:$PORT, PORT defaulting to 8080)

environment:
  ADMIN_TOKEN       sent as "Authorization: Bearer …" when the server requires it
`

type Row = { id: number; status: string; target: string; attempts: number; last_errcode: number | null; last_errmsg: string | null; created_at: string; event_id: string }

/** `ci-notify deliveries list|retry`: a thin client of the running server's admin API. */
export async function run(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err))
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const base = serverBase(values.url)
  const call = (method: string, url: string) => adminCall('deliveries', method, url)
  const [sub, id, ...extra] = positionals
  if (sub === 'list' && !id) {
    const q = new URLSearchParams()
    if (values.status) q.set('status', values.status)
    if (values.limit) q.set('limit', values.limit)
    const body = await call('GET', `${base}/api/deliveries${q.size ? `?${q}` : ''}`)
    if (!body) return 1
    const rows = (body as { deliveries: Row[] }).deliveries
    process.stdout.write(visibleLines(values.json ? JSON.stringify(body, null, 2) + '\n' : table(rows)))
    return 0
  }
  if (sub === 'retry' && id && !extra.length) {
    const body = await call('POST', `${base}/api/deliveries/${encodeURIComponent(id)}/retry`)
    if (!body) return 1
    process.stdout.write(`delivery ${id} re-queued\n`)
    return 0
  }
  return usage(sub ? `unexpected arguments: ${positionals.join(' ')}` : 'missing sub-command: list or retry')
}

function usage(problem: string): number {
  process.stderr.write(`ci-notify deliveries: ${problem}\n\n${HELP}`)
  return 2
}

function table(rows: Row[]): string {
  if (!rows.length) return 'no deliveries\n'
  const head = ['ID', 'STATUS', 'TARGET', 'TRIES', 'ERRCODE', 'CREATED', 'EVENT', 'LAST ERROR']
  // A delivery that went out has no error to show: what failed on the way is history, not its state.
  const failing = (r: Row) => r.status !== 'sent' && r.status !== 'dry_run'
  const lines = rows.map((r) => [
    String(r.id),
    r.status,
    r.target,
    String(r.attempts),
    failing(r) && r.last_errcode !== null ? String(r.last_errcode) : '',
    r.created_at,
    r.event_id,
    failing(r) ? (r.last_errmsg ?? '') : '',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...lines.slice().map((l) => (i === 7 ? 0 : l[i].length))))
  const fmt = (l: string[]) => l.map((c, i) => (i === 7 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()
  return [fmt(head), ...lines.map(fmt)].join('\n') + '\n'
}
