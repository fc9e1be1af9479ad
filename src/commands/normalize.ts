import { parseArgs } from 'node:util'
import { readPayload } from '../../adapters/from-file.js'
import { isSource, SOURCES, toEvent } from '../../adapters/index.js'
import { PayloadError } from '../errors.js'

const HELP = `usage: ci-notify normalize --source ${SOURCES.join('|')} FILE [--header 'Name: value']...

Prints the common event a webhook payload becomes (id "preview"), or {"ignored": reason} for an event ci-notify does
not translate.

options:
  --source S        the CI source: ${SOURCES.join(', ')}
  --header 'N: V'   a request header, repeatable (e.g. --header 'X-Gitlab-Event: Pipeline Hook'); a source's event
                    header (X-Gitlab-Event, X-GitHub-Event…) is inferred from the body when not given
  -h, --help        this help

exit codes: 0 printed, 1 the payload is not valid for the source, 2 bad usage or unreadable file`

/** `ci-notify normalize`: one webhook payload file → its CommonEvent JSON on stdout. */
export async function run(argv: string[]): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { source: { type: 'string' }, header: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    return usage((err as Error).message)
  }
  const { values, positionals } = args
  if (values.help) {
    process.stdout.write(HELP + '\n')
    return 0
  }
  const source = values.source
  if (!source) return usage('--source is required')
  if (!isSource(source)) return usage(`--source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`)
  if (positionals.length !== 1) return usage(`expected one payload FILE, got ${positionals.length}`)
  const headers = values.header ?? []
  const bad = headers.find((h) => h.indexOf(':') <= 0)
  if (bad !== undefined) return usage(`--header ${JSON.stringify(bad)} must look like 'Name: value'`)

  try {
    const req = readPayload(source, positionals[0], headers)
    const event = toEvent(source, req, { id: 'preview', now: new Date() })
    process.stdout.write(JSON.stringify(event, null, 2) + '\n')
    return 0
  } catch (err) {
    if (err instanceof PayloadError) {
      process.stderr.write(`ci-notify normalize: ${positionals[0]}: ${err.message}\n`)
      return 1
    }
    if (isFsError(err)) {
      process.stderr.write(`ci-notify normalize: cannot read ${positionals[0]}: ${err.code}\n`)
      return 2
    }
    throw err
  }
}

function usage(problem: string): number {
  process.stderr.write(`ci-notify normalize: ${problem}\n\n${HELP}\n`)
  return 2
}

const isFsError = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string'
