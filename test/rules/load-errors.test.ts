import { describe, expect, it } from 'vitest'
import { configProblems } from './config-problems.js'
import { parseRules } from '../../rules/load.js'
import { ConfigError } from '../../src/errors.js'

const problems = (text: string, env: Record<string, string> = {}) => configProblems(text, { env })

const targets = `targets:
  dev-group: { type: dingtalk, webhook: "" }
  ops-group: { type: wecom, webhook: "" }
`

describe('rules file errors, pinned', () => {
  it('unknown target, with the suggestion from the issue', () => {
    expect(problems(`${targets}rules:
  - name: a
    notify: [dev-group]
  - name: b
    notify: [dev-gruop]
`)).toEqual(['rules.yaml:8:14: rules[1].notify[0]: unknown target "dev-gruop", did you mean "dev-group"?'])
  })

  it('unknown target without a close name lists the targets', () => {
    expect(problems(`${targets}rules:\n  - { name: a, notify: [mail] }\n`)).toEqual([
      'rules.yaml:5:25: rules[0].notify[0]: unknown target "mail"; targets are dev-group, ops-group',
    ])
  })

  it('unknown keys anywhere, with suggestions', () => {
    expect(problems(`defaults: { locale: en, timzone: UTC }
targets:
  dev-group: { type: dingtalk, webhook: "", keywrod: 构建 }
people:
  - { name: A, emial: [a@x] }
rules:
  - name: a
    match: { brnch: main }
    notify: [dev-group]
    contine: true
    template: { titel: x }
`)).toEqual([
      'rules.yaml:1:25: defaults.timzone: unknown key "timzone", did you mean "timezone"?',
      'rules.yaml:3:45: targets.dev-group.keywrod: unknown key "keywrod", did you mean "keyword"?',
      'rules.yaml:5:16: people[0].emial: unknown key "emial", did you mean "emails"?',
      'rules.yaml:8:14: rules[0].match.brnch: unknown key "brnch", did you mean "branch"?',
      'rules.yaml:10:5: rules[0].contine: unknown key "contine", did you mean "continue"?',
      'rules.yaml:11:17: rules[0].template.titel: unknown key "titel", did you mean "title"?',
    ])
  })

  it('a wecom target does not take dingtalk keys', () => {
    expect(problems(`targets:\n  w: { type: wecom, webhook: "", secret: x }\n`)).toEqual(['rules.yaml:2:34: targets.w.secret: unknown key "secret"; allowed: type, webhook, rate_per_minute, locale, timezone, msgtype'])
  })

  it('bad enum values, scalar and in a list', () => {
    expect(problems(`${targets}rules:
  - name: a
    match: { status: faild, kind: [pipeline, bild], transition: fixd }
    notify: [dev-group]
`)).toEqual([
      'rules.yaml:6:22: rules[0].match.status: "faild" is not one of queued, running, success, failed, unstable, canceled, skipped, manual, did you mean "failed"?',
      'rules.yaml:6:46: rules[0].match.kind[1]: "bild" is not one of pipeline, build, deploy, did you mean "build"?',
      'rules.yaml:6:65: rules[0].match.transition: "fixd" is not one of broken, fixed, still_failing, first, did you mean "fixed"?',
    ])
  })

  it('target type, missing keys, empty lists, wrong types, limits', () => {
    expect(problems(`targets:
  a: { type: irc, webhook: "" }
  b: { webhook: "" }
  c: { type: wecom }
  d: { type: wecom, webhook: "", rate_per_minute: 60 }
rules:
  - { notify: [] }
  - { name: x, notify: [d], continue: "yes" }
`)).toEqual([
      'rules.yaml:2:14: targets.a.type: "irc" is not one of dingtalk, wecom, feishu, slack, teams',
      'rules.yaml:3:6: targets.b: missing required key "type" (one of dingtalk, wecom, feishu, slack, teams)',
      'rules.yaml:4:6: targets.c: missing required key "webhook"',
      'rules.yaml:5:51: targets.d.rate_per_minute: 60 is more than the maximum, 20',
      'rules.yaml:7:5: rules[0]: missing required key "name"',
      'rules.yaml:7:15: rules[0].notify: needs at least 1 item(s)',
      'rules.yaml:8:39: rules[1].continue: expected boolean, got string "yes"',
    ])
  })

  it('unknown mention, duplicate rule name, duplicate person handle', () => {
    expect(problems(`${targets}people:
  - { name: 张三, gitlab: zhangsan }
  - { name: 李四, gitlab: ZhangSan }
rules:
  - { name: a, notify: [dev-group], mention: [autor, 张三, 王五] }
  - { name: a, notify: [ops-group] }
`)).toEqual([
      'rules.yaml:6:25: people[1].gitlab: gitlab "ZhangSan" is also on people[0] (张三)',
      'rules.yaml:8:47: rules[0].mention[0]: unknown mention "autor": not a role (author, actor, culprits, all) nor a name in people, did you mean "author"?',
      'rules.yaml:8:58: rules[0].mention[2]: unknown mention "王五": not a role (author, actor, culprits, all) nor a name in people',
      'rules.yaml:9:13: rules[1].name: duplicate rule name "a" (also rules[0])',
    ])
  })

  it('bad regular expression and bad template syntax', () => {
    expect(problems(`${targets}rules:
  - name: a
    match: { branch: "/[/", project: [ok, "/(/"] }
    notify: [dev-group]
    template: { title: "{{#commit}}{{title}}", body: "{{sha}}" }
`)).toEqual([
      'rules.yaml:6:22: rules[0].match.branch: "/[/" is not a regular expression RE2 can run: missing closing ]: `[`',
      'rules.yaml:6:43: rules[0].match.project[1]: "/(/" is not a regular expression RE2 can run: missing closing ): `(`',
      'rules.yaml:8:24: rules[0].template.title: template does not parse: Unclosed section "commit" at 20',
    ])
  })

  it('a webhook that is not a URL is reported without its value (it carries the token)', () => {
    const p = problems(`targets:\n  a: { type: wecom, webhook: "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=S3CR3T" }\n`)
    expect(p).toEqual(['rules.yaml:2:30: targets.a.webhook: is not an http(s) URL (leave it empty for a dry-run target)'])
    expect(p.join('\n')).not.toContain('S3CR3T')
  })

  it('YAML syntax: the first error, not the cascade after it; duplicate keys all', () => {
    expect(problems(`targets:\n  a: { type: wecom, webhook: \${X:-} }\n`)).toEqual([
      'rules.yaml:2:31: Unexpected flow-map-start at node end (quote values that contain ${…} inside { … } or [ … ])',
    ])
    expect(problems(`targets: {}\nrules: []\ntargets: {}\nrules: []\n`)).toEqual([
      'rules.yaml:3:1: Map keys must be unique (a key is written twice in one mapping)',
      'rules.yaml:4:1: Map keys must be unique (a key is written twice in one mapping)',
    ])
  })

  it('a typo in one place does not hide problems elsewhere: every problem, in file order', () => {
    const err = (() => {
      try {
        parseRules(`${targets}rules:\n  - { name: a, notify: [dev-gruop], contine: true }\n  - { name: b, notify: [opsgroup] }\n`, { file: 'rules.yaml', env: {} })
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect(err?.message).toBe(`rules.yaml: 3 problems
  rules.yaml:5:25: rules[0].notify[0]: unknown target "dev-gruop", did you mean "dev-group"?
  rules.yaml:5:37: rules[0].contine: unknown key "contine", did you mean "continue"?
  rules.yaml:6:25: rules[1].notify[0]: unknown target "opsgroup", did you mean "ops-group"?`)
  })

  it('a key of a match that fails the schema does not hide a bad pattern in another key of the same match', () => {
    expect(problems(`${targets}rules:
  - name: a
    notify: [dev-group]
    match: { brnch: main, project: "/[/", status: [failed, borked] }
`)).toEqual([
      'rules.yaml:7:14: rules[0].match.brnch: unknown key "brnch", did you mean "branch"?',
      'rules.yaml:7:36: rules[0].match.project: "/[/" is not a regular expression RE2 can run: missing closing ]: `[`',
      'rules.yaml:7:60: rules[0].match.status[1]: "borked" is not one of queued, running, success, failed, unstable, canceled, skipped, manual',
    ])
  })

  it('one problem: the message is the problem itself', () => {
    expect(() => parseRules('rules: []\n', { file: 'r.yaml', env: {} })).toThrow(new ConfigError('r.yaml:1:1: missing required key "targets"'))
  })
})

describe('template names', () => {
  it('a name the event does not have is an error with a suggestion; section-relative names are not checked', () => {
    expect(problems(`${targets}rules:
  - name: a
    notify: [dev-group]
    template: { title: "{{comit.title}} {{status_text}} {{project.path}}", body: "{{#stages}}{{name}}: {{statsu}}{{/stages}} {{{brnch}}} {{&url}}" }
`)).toEqual([
      'rules.yaml:7:24: rules[0].template.title: template uses {{comit.title}}: there is no "comit", did you mean "commit"?',
      'rules.yaml:7:82: rules[0].template.body: template uses {{brnch}}: there is no "brnch", did you mean "branch"?',
    ])
  })
})
