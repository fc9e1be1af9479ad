import { parseArgs } from 'node:util'
import { readPayload } from '../../adapters/from-file.js'
import { isSource, SOURCES, toEvent } from '../../adapters/index.js'
import type { CompiledRules } from '../../rules/compile.js'
import { loadRulesFile } from '../../rules/load.js'
import { adapterNamed, unknownSourceText } from '../app/source-of.js'
import { ConfigError, PayloadError } from '../errors.js'

const HELP = `usage: ci-notify normalize --source ${SOURCES.join('|')}|<id> FILE [--header 'Name: value']... [--rules FILE]

Prints the common event a webhook payload becomes (id "preview"), or {"ignored": reason} for an event ci-notify does
not translate.

options:
  --source S        the CI source: ${SOURCES.join(', ')}, or the id of one the rules file defines (sources:)
  --rules FILE      the rules file that defines --source (default: $RULES_FILE, else rules.yaml); read only for a
                    source that is not built in; its secrets need not be set
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
      options: { source: { type: 'string' }, header: { type: 'string', multiple: true }, rules: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  let rules: CompiledRules | undefined
  if (!isSource(source)) {
    // Not built in: it may be one the rules file defines. Its secrets are not needed to read a payload.
    try {
      rules = loadRulesFile(values.rules ?? process.env.RULES_FILE ?? 'rules.yaml', process.env, { allowUnset: true })
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      return usage(`--source ${JSON.stringify(source)} is not built in, and the rules file that would define it does not load: ${err.message}`)
    }
  }
  const adapter = adapterNamed(rules, source)
  if (!adapter) return usage(`--source: ${unknownSourceText(source, rules)}`)
  if (positionals.length !== 1) return usage(`expected one payload FILE, got ${positionals.length}`)
  const headers = values.header ?? []
  const bad = headers.find((h) => h.indexOf(':') <= 0)
  if (bad !== undefined) return usage(`--header ${JSON.stringify(bad)} must look like 'Name: value'`)

  try {
    const req = readPayload(adapter, positionals[0], headers)
    const event = toEvent(adapter, req, { id: 'preview', now: new Date() })
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
