import { parseRules } from '../../rules/load.js'
import { ConfigError } from '../../src/errors.js'

/**
 * The ConfigError's problems for a rules file, each `file:line:col: path: message`; anything else (rules, another
 * exception) fails the test.
 */
export function configProblems(text: string, o: { file?: string; env?: Record<string, string | undefined> } = {}): string[] {
  try {
    parseRules(text, { file: o.file ?? 'rules.yaml', env: o.env ?? {} })
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}
