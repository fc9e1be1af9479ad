import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'

const warningsOf = (text: string, env: Record<string, string> = {}) => parseRules(text, { file: 'w.yaml', env }).warnings
const targets = 'targets:\n  dev: { type: dingtalk, webhook: "" }\n'

describe('warnings: valid, but almost certainly not meant (issue 16 item 17)', () => {
  it('a rule after a catch-all without continue is never reached; each one is named', () => {
    expect(
      warningsOf(`${targets}rules:
  - { name: everything, notify: [dev] }
  - { name: failures, match: { status: failed }, notify: [dev] }
  - { name: mains, match: { branch: main }, notify: [dev] }
`),
    ).toEqual([
      'w.yaml:5:5: rules[1]: "failures" is never reached: rules[0] "everything" matches every event and has no continue',
      'w.yaml:6:5: rules[2]: "mains" is never reached: rules[0] "everything" matches every event and has no continue',
    ])
  })

  it('a match every event satisfies is a catch-all too; continue, or a pattern, keeps the walk going', () => {
    const all = 'status: [queued, running, success, failed, unstable, canceled, skipped, manual]'
    expect(warningsOf(`${targets}rules:\n  - { name: any-status, match: { ${all} }, notify: [dev] }\n  - { name: later, notify: [dev] }\n`)).toEqual([
      'w.yaml:5:5: rules[1]: "later" is never reached: rules[0] "any-status" matches every event and has no continue',
    ])
    expect(warningsOf(`${targets}rules:\n  - { name: first, notify: [dev], continue: true }\n  - { name: later, notify: [dev] }\n`)).toEqual([])
    // `project: "**"` may well match every path, but a pattern is not judged: no warning rather than a wrong one
    expect(warningsOf(`${targets}rules:\n  - { name: first, match: { project: "**" }, notify: [dev] }\n  - { name: later, notify: [dev] }\n`)).toEqual([])
  })

  it('a rule whose every event stops at earlier rules is never reached', () => {
    expect(
      warningsOf(`${targets}rules:
  - { name: gitlab, match: { source: gitlab }, notify: [dev] }
  - { name: others, match: { source: [github, jenkins] }, notify: [dev] }
  - { name: failures, match: { status: failed }, notify: [dev] }
  - { name: gitlab-failures-on-main, match: { source: gitlab, status: failed, branch: main }, notify: [dev] }
`),
    ).toEqual([
      'w.yaml:6:5: rules[2]: "failures" is never reached: every event it can match stops earlier, at rules[0] "gitlab", rules[1] "others" (no continue)',
      'w.yaml:7:5: rules[3]: "gitlab-failures-on-main" is never reached: every event it can match stops earlier, at rules[0] "gitlab" (no continue)',
    ])
  })

  it('the example rules file has none', () => {
    expect(parseRules(readFileSync('rules.example.yaml', 'utf8'), { file: 'rules.example.yaml', env: {} }).warnings).toEqual([])
  })

  it('a rule that needs both a tag and a branch, or a transition on an unfinished event, can never match', () => {
    expect(
      warningsOf(`${targets}rules:
  - { name: both, match: { tag: "v*", branch: main }, notify: [dev] }
  - { name: running-fixed, match: { finished: false, transition: fixed }, notify: [dev] }
`),
    ).toEqual([
      'w.yaml:4:26: rules[0].match: "both" can never match: it asks for a branch and a tag, and an event has one or the other (a tag pipeline has no branch); write two rules',
      'w.yaml:5:35: rules[1].match: "running-fixed" can never match: no event has the source, kind, status, finished and transition it asks for together (a transition needs a finished event)',
    ])
  })

  it("a webhook on the other platform's host; a DingTalk secret that is not SEC…; neither value is quoted", () => {
    const env = {
      WX: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WX-KEY-SEKRIT',
      DT: 'https://oapi.dingtalk.com/robot/send?access_token=DT-TOKEN-SEKRIT',
      SECRET: 'not-a-sec-SEKRIT',
    }
    const w = warningsOf(
      `targets:
  a: { type: dingtalk, webhook: "\${WX}", secret: "\${SECRET}" }
  b: { type: wecom, webhook: "\${DT}" }
  c: { type: dingtalk, webhook: "\${DT}", secret: SEC0123 }
  d: { type: wecom, webhook: "https://proxy.example.com/wecom?key=x" }
`,
      env,
    )
    expect(w).toEqual([
      "w.yaml:2:33: targets.a.webhook: a dingtalk target whose webhook is on WeCom's host (qyapi.weixin.qq.com): set type: wecom, or use the DingTalk robot's webhook",
      'w.yaml:2:50: targets.a.secret: does not start with SEC: the DingTalk robot\'s 加签 secret is the SEC… string in its security settings (with another, every message is refused: 310000 sign not match)',
      "w.yaml:3:30: targets.b.webhook: a wecom target whose webhook is on DingTalk's host (oapi.dingtalk.com): set type: dingtalk, or use the WeCom robot's webhook",
    ])
    expect(w.join('\n')).not.toMatch(/SEKRIT|access_token|key=/)
  })

  it("a feishu target with a Slack webhook, and a slack target with a Feishu one: the other's host, no path quoted", () => {
    const env = { SL: 'https://hooks.slack.com/services/T0AAA/B0BBB/SLACK-SEKRIT', FS: 'https://open.feishu.cn/open-apis/bot/v2/hook/FEISHU-SEKRIT' }
    const w = warningsOf(`targets:\n  a: { type: feishu, webhook: "\${SL}" }\n  b: { type: slack, webhook: "\${FS}" }\n`, env)
    expect(w).toEqual([
      "w.yaml:2:31: targets.a.webhook: a feishu target whose webhook is on Slack's host (hooks.slack.com): set type: slack, or use the Feishu robot's webhook",
      "w.yaml:3:30: targets.b.webhook: a slack target whose webhook is on Feishu's host (open.feishu.cn): set type: feishu, or use the Slack robot's webhook",
    ])
    expect(w.join('\n')).not.toMatch(/SEKRIT|services\/T|hook\//)
  })

  it('with people_match.names, two people who share a name are pointed out (it is allowed, and an error nowhere)', () => {
    const people = 'people:\n  - { name: 张伟, gitlab: zw1 }\n  - { name: 张伟, gitlab: zw2 }\n'
    expect(warningsOf(`${targets}${people}`)).toEqual([])
    expect(warningsOf(`${targets}people_match: { names: true }\n${people}`)).toEqual([
      'w.yaml:6:13: people[1].name: "张伟" is also people[0]\'s name: with people_match.names, a display name "张伟" finds neither of them (their usernames still do)',
    ])
  })
})
