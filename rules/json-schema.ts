import { z } from 'zod'
import { rulesFileSchema } from './schema.js'

/**
 * The JSON Schema of the rules file, for editors (`# yaml-language-server: $schema=./rules.schema.json`). Draft 7,
 * which yaml-language-server and most editors read; the input side, so defaulted keys are optional. An editor does not
 * know a file's own `sources:`, so any source name passes here where `source:` and people's ids name one; `check`
 * says which are unknown.
 */
export function rulesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(rulesFileSchema('any'), { target: 'draft-7', io: 'input' }),
    title: 'ci-notify rules file',
    description: 'Which CI events go to which DingTalk / WeCom group robots, and whom to @. Values may use ${VAR} and ${VAR:-default}.',
  }
}

/** Exactly what `ci-notify schema` prints and rules.schema.json holds. */
export const rulesJsonSchemaText = (): string => `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`
