import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { route } from '../../rules/route.js'
import { makeEvent } from './make-event.js'
import { rulesWith } from './rules-yaml.js'

describe('route: order, continue, de-duplication', () => {
  const rules = rulesWith(`  - { name: first, match: { status: failed }, notify: [dev], mention: [author] }
  - { name: second, match: { status: failed }, notify: [ops] }
  - { name: deploys, match: { kind: deploy }, notify: [ops, dev], mention: [actor, all], continue: true }
  - { name: deploys-again, match: { kind: deploy }, notify: [dev, qa], mention: [author, actor] }
  - { name: never, notify: [qa] }
`, 'people_match: { commit_emails: true }\n')

  it('the first match stops the walk', () => {
    const d = route(makeEvent(), rules, undefined)
    expect(d.routing.matched).toEqual(['first'])
    expect(d.routing.targets.map((t) => t.target)).toEqual(['dev'])
  })

  it('continue: true walks on; a target reached twice gets one route with both rules and unioned mentions', () => {
    const e = makeEvent({ kind: 'deploy', status: 'success', actor: { username: 'zhangsan' }, commit: { author: { email: 'LISI@example.com' } } })
    const d = route(e, rules, undefined)
    expect(d.routing.matched).toEqual(['deploys', 'deploys-again'])
    expect(d.routing.targets.map((t) => [t.target, t.rules, t.all])).toEqual([
      ['ops', ['deploys'], true],
      ['dev', ['deploys', 'deploys-again'], true],
      ['qa', ['deploys-again'], false],
    ])
    const dev = d.routing.targets[1]
    // 张三 once (actor in both rules), 李四 added by the second rule (by commit email: this file trusts them)
    expect(dev.mentions.map((m) => [m.as, m.name])).toEqual([
      ['actor', '张三'],
      ['author', '李四'],
    ])
  })

  it('the same person reached by two roles is mentioned once', () => {
    const r = rulesWith('  - { name: r, notify: [dev], mention: [author, actor, 张三] }\n')
    const e = makeEvent({ actor: { username: 'zhangsan' }, commit: { author: { email: 'zhangsan@example.com' } } })
    expect(route(e, r, undefined).routing.targets[0].mentions).toEqual([
      { as: 'author', name: '张三', resolved: true, via: 'actor_email', ids: { dingtalk: 'dt-zs', wecom: 'wc-zs' }, mobile: '13800138000' },
    ])
  })

  it('two people who share a name stay two mentions', () => {
    const twins = parseRules(
      `targets: { dev: { type: dingtalk, webhook: "" } }
people_match: { commit_emails: true }
people:
  - { name: 张伟, gitlab: zhangwei1, dingtalk: dt-zw1 }
  - { name: 张伟, emails: [zw2@example.com], dingtalk: dt-zw2 }
rules:
  - { name: r, notify: [dev], mention: [author, actor] }
`,
      { file: 'twins.yaml', env: {} },
    )
    const e = makeEvent({ actor: { username: 'zhangwei1', name: '张伟' }, commit: { author: { name: '张伟', email: 'zw2@example.com' } } })
    expect(route(e, twins, undefined).routing.targets[0].mentions.map((m) => [m.name, m.ids?.dingtalk])).toEqual([
      ['张伟', 'dt-zw2'],
      ['张伟', 'dt-zw1'],
    ])
  })

  it('a target keeps the template of the first rule that reached it', () => {
    const r = rulesWith(`  - { name: a, notify: [dev], continue: true, template: { title: "A {{project.path}}" } }
  - { name: b, notify: [dev, ops], template: { body: "B" } }
`)
    const d = route(makeEvent(), r, undefined)
    expect(d.routing.targets.map((t) => [t.target, t.template])).toEqual([
      ['dev', { title: 'A {{project.path}}' }],
      ['ops', { body: 'B' }],
    ])
  })

  it('no rule matches: no targets, still a decision', () => {
    const r = rulesWith('  - { name: a, match: { status: success }, notify: [dev] }\n')
    expect(route(makeEvent(), r, undefined).routing).toEqual({ transition: 'first', matched: [], targets: [], unresolved: [] })
  })
})

describe('route: mentions', () => {
  const r = rulesWith('  - { name: r, notify: [dev], mention: [author, actor, culprits] }\n')
  const mentions = (e: Parameters<typeof makeEvent>[0]) => route(makeEvent(e), r, undefined).routing

  it('by the source username (gitlab, github, jenkins), case-insensitively', () => {
    expect(mentions({ actor: { username: 'ZhangSan', name: 'Whatever' }, commit: undefined }).targets[0].mentions).toEqual([
      { as: 'actor', name: '张三', resolved: true, via: 'username', ids: { dingtalk: 'dt-zs', wecom: 'wc-zs' }, mobile: '13800138000' },
    ])
    expect(mentions({ source: 'github', actor: { username: 'zs-gh' }, commit: undefined }).targets[0].mentions[0]).toMatchObject({ name: '张三', via: 'username' })
    // the gitlab handle does not count for a github event
    expect(mentions({ source: 'github', actor: { username: 'zhangsan' }, commit: undefined }).targets[0].mentions[0]).toMatchObject({ name: 'zhangsan', resolved: false })
  })

  it("by GitLab's public email (a verified one), case-insensitively", () => {
    expect(mentions({ actor: { name: 'Li', username: 'li-new', email: 'li.si@corp.EXAMPLE' }, commit: undefined }).targets[0].mentions).toEqual([
      { as: 'actor', name: '李四', resolved: true, via: 'email' },
    ])
  })

  it('a commit email only where the file trusts commit emails', () => {
    const author = { actor: undefined, commit: { author: { name: 'Li', email: 'li.si@corp.EXAMPLE' } } }
    expect(mentions(author).targets[0].mentions).toEqual([{ as: 'author', name: 'Li', resolved: false, unmatched: { reason: 'commit_email', person: '李四' } }])
    const trusting = rulesWith('  - { name: r, notify: [dev], mention: [author] }\n', 'people_match: { commit_emails: true }\n')
    expect(route(makeEvent(author), trusting, undefined).routing.targets[0].mentions).toEqual([{ as: 'author', name: '李四', resolved: true, via: 'commit_email' }])
  })

  it('by display name only where the file matches names', () => {
    const author = { actor: undefined, commit: { author: { name: '李四', email: 'nobody@else' } } }
    expect(mentions(author).targets[0].mentions[0]).toEqual({ as: 'author', name: '李四', resolved: false, unmatched: { reason: 'name', person: '李四' } })
    const naming = rulesWith('  - { name: r, notify: [dev], mention: [author] }\n', 'people_match: { names: true }\n')
    expect(route(makeEvent(author), naming, undefined).routing.targets[0].mentions[0]).toMatchObject({ name: '李四', via: 'name', resolved: true })
  })

  it('Jenkins culprits by jenkins user id', () => {
    const d = mentions({ source: 'jenkins', actor: undefined, commit: undefined, culprits: ['zs', 'admin', 'stranger'] })
    expect(d.targets[0].mentions.map((m) => [m.name, m.resolved, m.via])).toEqual([
      ['张三', true, 'username'],
      ['Administrator', true, 'username'],
      ['stranger', false, undefined],
    ])
    expect(d.unresolved).toEqual(['stranger'])
  })

  it('an unknown person is written by name and listed as unresolved, never dropped', () => {
    const d = mentions({ actor: { username: 'root', name: 'Administrator?' }, commit: { author: { name: 'User', email: 'user@gitlab.com' } } })
    expect(d.targets[0].mentions).toEqual([
      { as: 'author', name: 'User', resolved: false },
      { as: 'actor', name: 'Administrator?', resolved: false },
    ])
    expect(d.unresolved).toEqual(['User', 'Administrator?'])
  })

  it('falls back to the username, then the email, when the event has no name', () => {
    expect(mentions({ actor: { username: 'ghost' }, commit: { author: { email: 'x@y.z' } } }).unresolved).toEqual(['x@y.z', 'ghost'])
  })

  it('a role the event does not carry adds nobody', () => {
    expect(mentions({ actor: undefined, commit: undefined }).targets[0].mentions).toEqual([])
  })

  it('a name from people is mentioned directly; all sets the flag', () => {
    const r2 = rulesWith('  - { name: r, notify: [ops], mention: [李四, all] }\n')
    const t = route(makeEvent(), r2, undefined).routing.targets[0]
    expect(t.all).toBe(true)
    expect(t.mentions).toEqual([{ as: '李四', name: '李四', resolved: true, via: 'people' }])
  })
})
