import { z } from 'zod'
import { RulesFile } from './schema.js'

/**
 * The JSON Schema of the rules file, for editors (`# yaml-language-server: $schema=./rules.schema.json`). Draft 7,
 * which yaml-language-server and most editors read; the input side, so defaulted keys are optional.
 */
export function rulesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RulesFile, { target: 'draft-7', io: 'input' }),
    title: 'ci-notify rules file',
    description: 'Which CI events go to which DingTalk / WeCom group robots, and whom to @. Values may use ${VAR} and ${VAR:-default}.',
  }
}

/** Exactly what `ci-notify schema` prints and rules.schema.json holds. */
export const rulesJsonSchemaText = (): string => `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`
