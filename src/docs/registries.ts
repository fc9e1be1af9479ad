import { adapters } from '../../adapters/index.js'
import { PLATFORM_NAMES } from '../platforms/index.js'

/**
 * The registries table of docs/architecture.md, with each registry's entries as the code has them today, so the table
 * cannot name a platform or a source that is not registered (or miss one).
 */
export function registriesTable(): string {
  const list = (names: readonly string[]) => `{ ${names.join(', ')} }`
  const readers = {
    platforms:
      "rules schema and JSON Schema (target types, people's ids), `check` warnings and \"did you mean\", `${VAR}` places, " +
      "secrets for redaction, the worker's renderers and senders, the message gallery (docs/messages.md)",
    adapters: 'the webhook route, ingest, `normalize`, `test`',
  }
  return [
    '| registry | file | what reads it |',
    '|---|---|---|',
    `| chat platforms | \`src/platforms/index.ts\` (\`platforms = ${list(PLATFORM_NAMES)}\`) | ${readers.platforms} |`,
    `| CI sources | \`adapters/index.ts\` (\`adapters = ${list(Object.keys(adapters))}\`) | ${readers.adapters} |`,
  ].join('\n')
}
