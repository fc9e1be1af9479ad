import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { renderRoute } from '../../src/app/render-route.js'
import { mentionLine } from '../../rules/mention-line.js'
import { route } from '../../rules/route.js'
import { ConfigError } from '../../src/errors.js'
import { makeEvent } from './make-event.js'

const people = `people:
  - { name: 张三, gitlab: zhangsan, dingtalk: dt-zs, wecom: wc-zs }
  - { name: 李四, gitlab: lisi, emails: [lisi@example.com], dingtalk: dt-ls, wecom: wc-ls }
  - { name: 张伟, gitlab: zhangwei1, dingtalk: dt-zw1 }
  - { name: 张伟, gitlab: zhangwei2, dingtalk: dt-zw2 }
`
const rules = (more = '') =>
  parseRules(
    `targets:
  dev: { type: dingtalk, webhook: "" }
  ops: { type: wecom, webhook: "" }
${more}${people}rules:
  - { name: r, notify: [dev, ops], mention: [author, actor] }
`,
    { file: 'people.yaml', env: {} },
  )

/** A GitLab user `mallory` whose display name is 张三, on a commit whose author e-mail claims to be 李四's. */
const spoofed = makeEvent({
  actor: { username: 'mallory', name: '张三' },
  commit: { title: 'x', author: { name: 'Li Si', email: 'LISI@EXAMPLE.COM' } },
})

describe('people: nothing unauthenticated @s anyone (issue 16 item 8)', () => {
  it('a display name and a commit email mention nobody; the messages @ no one', () => {
    const r = rules()
    const { routing } = route(spoofed, r, undefined)
    const dev = routing.targets[0]
    expect(dev.mentions).toEqual([
      { as: 'author', name: 'Li Si', resolved: false, unmatched: { reason: 'commit_email', person: '李四' } },
      { as: 'actor', name: '张三', resolved: false, unmatched: { reason: 'name', person: '张三' } },
    ])
    const [ding] = renderRoute(spoofed, r, dev, routing.transition)
    expect(ding.at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: false })
    const wecom = renderRoute(spoofed, r, routing.targets[1], routing.transition)
    expect(JSON.stringify(wecom)).not.toMatch(/wc-zs|wc-ls|<@/)
  })

  it('`ci-notify test` says why each did not resolve', () => {
    const [author, actor] = route(spoofed, rules(), undefined).routing.targets[0].mentions
    expect(mentionLine(author, 'gitlab')).toBe(
      'author → Li Si (unresolved: only the commit email (people_match.commit_emails) matches 李四, and the file does not trust it; written by name, without @)',
    )
    expect(mentionLine(actor, 'gitlab')).toBe(
      'actor → 张三 (unresolved: only the display name (people_match.names) matches 张三, and the file does not trust it; written by name, without @)',
    )
  })

  it('the CI username resolves, whatever the display name says', () => {
    const e = makeEvent({ actor: { username: 'lisi', name: '张三' }, commit: undefined })
    expect(route(e, rules(), undefined).routing.targets[0].mentions).toEqual([{ as: 'actor', name: '李四', resolved: true, via: 'username', ids: { dingtalk: 'dt-ls', wecom: 'wc-ls' } }])
  })

  it("a commit email counts without the opt-in when it is the actor's own: nobody new is named", () => {
    const own = makeEvent({ actor: { username: 'lisi' }, commit: { author: { name: 'Li Si', email: 'LISI@EXAMPLE.COM' } } })
    const [author] = route(own, rules(), undefined).routing.targets[0].mentions
    expect(author).toMatchObject({ as: 'author', name: '李四', resolved: true, via: 'actor_email' })
    expect(mentionLine(author, 'gitlab')).toBe("author → 李四 (by commit email, the actor's own)")
    // someone else's commit email is still nobody's
    const other = makeEvent({ actor: { username: 'zhangsan' }, commit: { author: { name: 'Li Si', email: 'lisi@example.com' } } })
    expect(route(other, rules(), undefined).routing.targets[0].mentions[0]).toMatchObject({ as: 'author', resolved: false })
  })

  it('the opt-ins: people_match.commit_emails and people_match.names', () => {
    const r = rules('people_match: { names: true, commit_emails: true }\n')
    const ms = route(spoofed, r, undefined).routing.targets[0].mentions
    expect(ms.map((m) => mentionLine(m, 'gitlab'))).toEqual(['author → 李四 (by commit email (people_match.commit_emails))', 'actor → 张三 (by name (people_match.names))'])
  })

  it('with names matched, a name two people share resolves to nobody and says so', () => {
    const r = rules('people_match: { names: true }\n')
    const e = makeEvent({ actor: { username: 'stranger', name: '张伟' }, commit: undefined })
    const { routing } = route(e, r, undefined)
    const [actor] = routing.targets[0].mentions
    expect(actor).toEqual({ as: 'actor', name: '张伟', resolved: false, unmatched: { reason: 'ambiguous', count: 2 } })
    expect(mentionLine(actor, 'gitlab')).toBe('actor → 张伟 (unresolved: ambiguous: 2 people named 张伟; written by name, without @)')
    expect(routing.unresolved).toEqual(['张伟'])
    expect(renderRoute(e, r, routing.targets[0], routing.transition)[0].at).toEqual({ atMobiles: [], atUserIds: [], isAtAll: false })
  })
})

describe('people: what the file check allows', () => {
  const load = (text: string) => () => parseRules(`targets: { dev: { type: wecom, webhook: "" } }\n${text}`, { file: 'p.yaml', env: {} })
  const problems = (text: string) => {
    try {
      load(text)()
    } catch (err) {
      if (err instanceof ConfigError) return err.problems
      throw err
    }
    throw new Error('loaded without an error')
  }

  it('two people may share a name', () => {
    expect(load(people)).not.toThrow()
  })

  it('a rule naming a shared name is refused; a shared username or email still is', () => {
    expect(problems(`${people}rules:\n  - { name: r, notify: [dev], mention: [张伟] }\n`)).toEqual([
      'p.yaml:8:41: rules[0].mention[0]: mention "张伟" is ambiguous: 2 people are named "张伟" (give each a name of their own, e.g. "张伟 (team)")',
    ])
    expect(problems('people:\n  - { name: A, github: same, emails: [a@x] }\n  - { name: B, github: SAME, emails: [A@X] }\n')).toEqual([
      'p.yaml:4:24: people[1].github: github "SAME" is also on people[0] (A)',
      'p.yaml:4:38: people[1].emails: emails "A@X" is also on people[0] (A)',
    ])
  })

  it('people_match is strict', () => {
    expect(problems('people_match: { name: true }\n')).toEqual(['p.yaml:2:17: people_match.name: unknown key "name", did you mean "names"?'])
  })
})
