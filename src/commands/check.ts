import { parseArgs } from 'node:util'
import { loadRulesFile } from '../../rules/load.js'
import { ConfigError } from '../errors.js'

const USAGE = `usage: ci-notify check [FILE] [--allow-unset]

Validates a rules file (default: $RULES_FILE, else rules.yaml): YAML, keys, values, targets, people, patterns,
templates. Exit 0 with a summary, or exit 1 listing every problem as file:line:col: path: what is wrong.
Warnings (a rule no event can reach or match, a webhook on the other platform's host, a DingTalk secret that is
not SEC…) are listed the same way, and the exit is still 0.

  --allow-unset   take unset \${VAR} as empty (for a rules repository's CI, where robot secrets are not set)
`

/** `ci-notify check [FILE]`: what ops run in their merge request pipeline. */
export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (err) {
    process.stderr.write(`ci-notify check: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (args.positionals.length > 1) {
    process.stderr.write(`ci-notify check: one rules file at a time\n\n${USAGE}`)
    return 2
  }
  const file = args.positionals[0] ?? process.env.RULES_FILE ?? 'rules.yaml'
  try {
    const r = loadRulesFile(file, process.env, { allowUnset: args.values['allow-unset'] })
    const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`
    const unset = r.unsetVariables.length ? ` (unset, taken as empty: ${r.unsetVariables.join(', ')})` : ''
    // Valid, so exit 0: a warning must not block a merge, but it is on the screen (and counted below) for review.
    if (r.warnings.length) process.stderr.write(`${file}: ${n(r.warnings.length, 'warning')}\n${r.warnings.map((w) => `  ${w}\n`).join('')}`)
    const warned = r.warnings.length ? `, ${n(r.warnings.length, 'warning')}` : ''
    process.stdout.write(`${file}: ok, ${n(Object.keys(r.targets).length, 'target')}, ${n(r.config.people.length, 'person', 'people')}, ${n(r.rules.length, 'rule')}${r.config.sources.length ? `, ${n(r.config.sources.length, 'source')}` : ''}${warned}${unset}\n`)
    return 0
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    return 1
  }
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: { 'allow-unset': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
}
