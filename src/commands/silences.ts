import { parseArgs } from 'node:util'
import { visibleLines } from '../terminal.js'
import { adminCall, serverBase } from './admin-client.js'

const HELP = `usage: ci-notify silences add --match KEY=PATTERN… (--duration D | --ends-at ISO) --comment TEXT [options]
       ci-notify silences list [--json] [--url URL]
       ci-notify silences expire ID [--url URL]

Adds, lists or expires silences through the admin API of a RUNNING ci-notify server (POST, GET /api/silences,
DELETE /api/silences/ID): the server checks the silence as it checks the API's, and every replica applies it within a
second. The server must be up; this command does not open the database itself. See docs/noise-control.md.

add options:
  --match KEY=PATTERN  a matcher, with the keys and patterns of a rule's match (project=group/**, branch=main,
                       status=failed, finished=true…); repeat a key for "any of" (--match branch=main --match branch=release/*)
  --target NAME        only this target (repeatable; default: every target)
  --duration D         how long from now: 30m, 2h, 1h30m
  --ends-at ISO        or when it ends: 2026-12-04T18:00:00Z
  --comment TEXT       why (required)
  --created-by NAME    who (default: $USER)
  --catch-up           when it ends, each target gets one digest of what it held (default: dropped)
common options:
  --json               print the API's JSON instead of a summary
  --url URL            the server (default: $CI_NOTIFY_URL, else http://localhost:$PORT, PORT defaulting to 8080)

environment:
  ADMIN_TOKEN          sent as "Authorization: Bearer …" when the server requires it
`

type View = { id: string; state: string; matchers: Record<string, unknown>; targets: string[] | null; ends_at: string; comment: string; created_by: string; catch_up: boolean }

/** `ci-notify silences add|list|expire`: a thin client of the running server's silences API. */
export async function run(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        match: { type: 'string', multiple: true },
        target: { type: 'string', multiple: true },
        duration: { type: 'string' },
        'ends-at': { type: 'string' },
        comment: { type: 'string' },
        'created-by': { type: 'string' },
        'catch-up': { type: 'boolean' },
        json: { type: 'boolean' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err))
  }
  const { values: v, positionals } = parsed
  if (v.help) {
    process.stdout.write(HELP)
    return 0
  }
  const base = `${serverBase(v.url)}/api/silences`
  const call = (method: string, url: string, body?: unknown) => adminCall('silences', method, url, body)
  const print = (body: unknown, text: string) => process.stdout.write(visibleLines(v.json ? JSON.stringify(body, null, 2) + '\n' : text))
  const [sub, id, ...extra] = positionals
  if (sub === 'add' && !id) {
    const matchers = matchersOf(v.match ?? [])
    if (typeof matchers === 'string') return usage(matchers)
    const body: Record<string, unknown> = {
      matchers,
      comment: v.comment,
      created_by: v['created-by'] ?? process.env.USER ?? process.env.USERNAME,
      catch_up: v['catch-up'] === true,
      ...(v.target && { targets: v.target }),
      ...(v.duration !== undefined && { duration: v.duration }),
      ...(v['ends-at'] !== undefined && { ends_at: v['ends-at'] }),
    }
    const s = (await call('POST', base, body)) as View | undefined
    if (!s) return 1
    print(s, `silence ${s.id} added: ${describe(s)}\n`)
    return 0
  }
  if (sub === 'list' && !id) {
    const body = (await call('GET', base)) as { silences: View[] } | undefined
    if (!body) return 1
    print(body, body.silences.length ? body.silences.map((s) => `${s.id}  ${s.state.padEnd(7)}  ${describe(s)}\n`).join('') : 'no silences\n')
    return 0
  }
  if (sub === 'expire' && id && !extra.length) {
    const s = (await call('DELETE', `${base}/${encodeURIComponent(id)}`)) as View | undefined
    if (!s) return 1
    print(s, `silence ${s.id} expired${s.catch_up ? ': its catch-up digests go out now' : ''}\n`)
    return 0
  }
  return usage(sub ? `unexpected arguments: ${positionals.join(' ')}` : 'missing sub-command: add, list or expire')
}

/** `--match k=v` repeated → a rule's match block: a key given twice is a list ("any of"); `finished` is a boolean. */
export function matchersOf(args: string[]): Record<string, unknown> | string {
  const out: Record<string, unknown> = {}
  for (const a of args) {
    const eq = a.indexOf('=')
    if (eq <= 0 || eq === a.length - 1) return `--match takes KEY=PATTERN (e.g. project=group/app); got "${a}"`
    const key = a.slice(0, eq)
    const raw = a.slice(eq + 1)
    const value = key === 'finished' && (raw === 'true' || raw === 'false') ? raw === 'true' : raw
    const prev = out[key]
    out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value]
  }
  return out
}

function describe(s: View): string {
  const m = Object.entries(s.matchers).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
  const parts = [m.join(' '), `targets ${s.targets?.join(',') ?? 'all'}`, `until ${s.ends_at}`, s.catch_up ? 'catch-up' : 'no catch-up', `by ${s.created_by}: ${s.comment}`]
  return parts.join(', ')
}

function usage(problem: string): number {
  process.stderr.write(`ci-notify silences: ${problem}\n\n${HELP}`)
  return 2
}
