import { describe, expect, it } from 'vitest'
import { parseFilter, sourceChoices } from '../../src/console/event-filter.js'

describe('the events list filter', () => {
  it('offers the sources the running rules file defines beside the built-in ones, and refuses others naming them', () => {
    const sources = sourceChoices({ buildkite: {} })
    expect(sources).toEqual(expect.arrayContaining(['gitlab', 'gitea', 'buildkite']))
    expect(parseFilter({ source: 'buildkite' }, sources)).toEqual({ source: 'buildkite' })
    expect(() => parseFilter({ source: 'circleci' }, sources)).toThrow(/source must be one of .*buildkite; got "circleci"/)
    expect(() => parseFilter({ source: 'buildkite' })).toThrow(/source must be one of/)
  })
})
