import { rulesJsonSchemaText } from '../../rules/json-schema.js'

/** `ci-notify schema`: the rules file's JSON Schema on stdout (the repo keeps it as rules.schema.json). */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: ci-notify schema > rules.schema.json\n\nPrints the JSON Schema of the rules file, for editors.\n')
    return 0
  }
  if (argv.length > 0) {
    process.stderr.write(`ci-notify schema: unexpected argument "${argv[0]}"\n`)
    return 2
  }
  process.stdout.write(rulesJsonSchemaText())
  return 0
}
