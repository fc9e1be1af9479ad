import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { run } from '../../src/commands/schema.js'
import { rulesJsonSchema } from '../../rules/json-schema.js'
import { PLATFORM_NAMES } from '../../src/platforms/index.js'
import { capture } from '../rules/capture.js'

describe('ci-notify schema', () => {
  it('rules.schema.json is what `ci-notify schema` prints (regenerate: ci-notify schema > rules.schema.json)', async () => {
    const r = await capture(run, [])
    expect(r.code).toBe(0)
    expect(readFileSync('rules.schema.json', 'utf8')).toBe(r.out)
  })

  it('is strict where the loader is: unknown keys are not allowed, target types are known', () => {
    const s = rulesJsonSchema() as { additionalProperties: boolean; properties: Record<string, any>; required: string[] }
    expect(s.additionalProperties).toBe(false)
    expect(s.required).toEqual(['targets'])
    const rule = s.properties.rules.items
    expect(rule.additionalProperties).toBe(false)
    expect(Object.keys(rule.properties.match.properties)).toEqual(['source', 'kind', 'status', 'project', 'branch', 'tag', 'ref', 'environment', 'name', 'actor', 'transition', 'finished'])
    const types = s.properties.targets.additionalProperties.oneOf ?? s.properties.targets.additionalProperties.anyOf
    expect(types.map((t: any) => t.properties.type.const)).toEqual(PLATFORM_NAMES)
    // a person's id on each registered platform, for its mentions
    expect(Object.keys(s.properties.people.items.properties)).toEqual(expect.arrayContaining([...PLATFORM_NAMES]))
  })

  it('bad usage exits 2', async () => {
    expect((await capture(run, ['extra'])).code).toBe(2)
  })
})
