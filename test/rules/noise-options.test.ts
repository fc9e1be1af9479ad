import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { route } from '../../rules/route.js'
import { GROUP_FIELDS } from '../../rules/group-key.js'
import { configProblems } from './config-problems.js'
import { makeEvent } from './make-event.js'

const targets = `targets:
  dev-group: { type: dingtalk, webhook: "" }
`

describe('rules: group_by, group_wait, remind_every', () => {
  it('names an unknown group_by field with file:line:col and the likely one', () => {
    expect(configProblems(`${targets}rules:
  - name: a
    notify: [dev-group]
    group_by: [project, brnach, commit.author.emial]
    group_wait: 30s
`, { env: {} })).toEqual([
      'rules.yaml:6:25: rules[0].group_by[1]: unknown event field "brnach", did you mean "branch"?',
      'rules.yaml:6:33: rules[0].group_by[2]: unknown event field "commit.author.emial", did you mean "commit.author.email"?',
    ])
  })

  it('refuses a duration without units, or of zero', () => {
    expect(configProblems(`${targets}rules:
  - name: a
    notify: [dev-group]
    group_wait: 30
    remind_every: 0h
`, { env: {} })).toEqual([
      'rules.yaml:6:17: rules[0].group_wait: expected string, got number 30',
      'rules.yaml:7:19: rules[0].remind_every: must be at least 1m',
    ])
    // Below the floor, and what rounds to nothing: a timer every millisecond would starve the worker.
    expect(configProblems(`${targets}rules:
  - { name: a, notify: [dev-group], group_wait: 0.4ms, remind_every: 59s }
`, { env: {} })).toEqual([
      'rules.yaml:4:49: rules[0].group_wait: must be at least 1s',
      'rules.yaml:4:70: rules[0].remind_every: must be at least 1m',
    ])
    expect(configProblems(`${targets}rules:
  - { name: a, notify: [dev-group], group_wait: 5 minutes }
`, { env: {} })).toEqual(['rules.yaml:4:49: rules[0].group_wait: a duration with units, e.g. 30s, 5m, 4h, 1h30m'])
  })

  it('group_by may name any scalar field of the event, by its dotted path', () => {
    expect(GROUP_FIELDS).toEqual(expect.arrayContaining(['project', 'branch', 'sha', 'project.name', 'commit.author.email', 'deployment.environment', 'transition']))
    expect(GROUP_FIELDS).not.toContain('stages')
    expect(GROUP_FIELDS).not.toContain('id')
  })

  it('routes carry their group (rule, key of the group_by values, wait) and a reminder only for a failed newest run', () => {
    const rules = parseRules(`${targets}rules:
  - name: a
    notify: [dev-group]
    group_by: [project, branch]
    group_wait: 1m30s
    remind_every: 4h
`, { file: '<inline>', env: {} })
    const failed = makeEvent({ status: 'failed' })
    const d = route(failed, rules, undefined)
    expect(d.routing.targets[0].group).toEqual({ rule: 'a', key: JSON.stringify([failed.project.path, failed.branch ?? null]), wait_ms: 90_000 })
    expect(d.routing.targets[0].remind).toEqual({ rule: 'a', every_ms: 4 * 3_600_000 })
    expect(d.state?.failing_since).toBe(failed.received_at)
    const ok = route(makeEvent({ status: 'success' }), rules, d.state)
    expect(ok.routing.targets[0].remind).toBeUndefined()
    expect(ok.state?.failing_since).toBeUndefined()
    // still failing: the streak keeps its start
    const again = route(makeEvent({ status: 'failed', number: 101, received_at: '2030-01-01T00:00:00.000Z' }), rules, d.state)
    expect(again.state?.failing_since).toBe(failed.received_at)
  })

  it('warns about group_by without group_wait, and a reminder on a rule for successes', () => {
    const rules = parseRules(`${targets}rules:
  - name: a
    match: { branch: main }
    notify: [dev-group]
    group_by: [project]
  - name: b
    match: { transition: fixed }
    notify: [dev-group]
    remind_every: 4h
`, { file: 'rules.yaml', env: {} })
    expect(rules.warnings).toEqual([
      expect.stringMatching(/^rules\.yaml:7:15: rules\[0\]\.group_by: "a" groups nothing without group_wait/),
      expect.stringMatching(/^rules\.yaml:11:19: rules\[1\]\.remind_every: "b" never reminds/),
    ])
  })
})
