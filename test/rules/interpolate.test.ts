import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { ConfigError } from '../../src/errors.js'

const file = (webhook: string, more = '') => `targets:
  dev:
    type: dingtalk
    webhook: ${webhook}
${more}`

const load = (text: string, env: Record<string, string | undefined>, allowUnset = false) => parseRules(text, { file: 'r.yaml', env, allowUnset })

describe('${VAR} interpolation', () => {
  it('fills ${VAR} from the environment', () => {
    expect(load(file('${HOOK}'), { HOOK: 'https://oapi.dingtalk.com/robot/send?access_token=abc' }).targets.dev.webhook).toBe('https://oapi.dingtalk.com/robot/send?access_token=abc')
  })

  it('${VAR:-default} takes the default when unset or empty, the value when set', () => {
    expect(load(file('${HOOK:-}'), {}).targets.dev.webhook).toBe('')
    expect(load(file('"${HOOK:-https://x.example/a}"'), { HOOK: '' }).targets.dev.webhook).toBe('https://x.example/a')
    expect(load(file('"${HOOK:-https://x.example/a}"'), { HOOK: 'https://y.example/b' }).targets.dev.webhook).toBe('https://y.example/b')
  })

  it('several references inside one string, and $$ for a literal $', () => {
    const r = load(file('"https://${HOST}/robot/send?access_token=${TOKEN}"', '    keyword: "$${NOT_A_VAR} costs $$5"\n'), { HOST: 'h.example', TOKEN: 't' })
    expect(r.targets.dev.webhook).toBe('https://h.example/robot/send?access_token=t')
    expect(r.targets.dev).toMatchObject({ keyword: '${NOT_A_VAR} costs $5' })
  })

  it('an unset variable without default names the variable and the exact place it is used', () => {
    expect(() => load(file('"https://x.example/?access_token=${DING_TOKEN}"'), {})).toThrow(
      new ConfigError('r.yaml:4:47: targets.dev.webhook: environment variable DING_TOKEN is not set (write ${DING_TOKEN:-} to make it optional)'),
    )
  })

  it('every unset variable is reported, once each, and not again as a bad value', () => {
    const text = file('${HOOK}', '    secret: ${SECRET}\n    rate_per_minute: ${RATE}\n')
    try {
      load(text, {})
      expect.unreachable()
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'r.yaml:4:14: targets.dev.webhook: environment variable HOOK is not set (write ${HOOK:-} to make it optional)',
        'r.yaml:5:13: targets.dev.secret: environment variable SECRET is not set (write ${SECRET:-} to make it optional)',
        'r.yaml:6:22: targets.dev.rate_per_minute: environment variable RATE is not set (write ${RATE:-} to make it optional)',
      ])
    }
  })

  it('a malformed reference is an error', () => {
    expect(() => load(file('"${HOOK"'), {})).toThrow(
      new ConfigError('r.yaml:4:15: targets.dev.webhook: "${HOOK" is not a variable reference: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)'),
    )
  })

  it('rate_per_minute comes out a number, a person\'s id stays text', () => {
    const text = `targets:
  dev: { type: dingtalk, webhook: "", rate_per_minute: "\${RATE:-5}" }
people:
  - { name: A, mobile: "\${MOBILE}", dingtalk: "\${DT}", wecom: "\${WC:-wc-a}" }
`
    const r = load(text, { MOBILE: '13800138000', DT: '0123' })
    expect(r.targets.dev.rate_per_minute).toBe(5)
    expect(r.config.people[0]).toMatchObject({ mobile: '13800138000', dingtalk: '0123', wecom: 'wc-a' })
  })

  it('${VAR} anywhere else is an error at its place: a message or the API would show the value (issue 16 item 13)', () => {
    const text = `defaults: { timezone: "\${TZ}" }
targets:
  dev: { type: dingtalk, webhook: "\${HOOK}", keyword: "\${GITLAB_WEBHOOK_TOKEN}" }
people:
  - { name: "\${BOSS}", gitlab: "\${BOSS_LOGIN}", emails: ["\${BOSS_MAIL}"] }
rules:
  - name: "deploy \${ENV_NAME}"
    match: { project: "\${PROJECT}", finished: "\${FIN}" }
    notify: [dev]
    continue: "\${CONT}"
    template: { title: "token \${ADMIN_TOKEN}", body: "$\${LITERAL} is fine" }
`
    const env = { TZ: 'UTC', HOOK: 'https://oapi.dingtalk.com/robot/send?access_token=tok-123456', GITLAB_WEBHOOK_TOKEN: 'gl-secret-987', ADMIN_TOKEN: 'admin-secret-555', BOSS: 'B', BOSS_LOGIN: 'b', BOSS_MAIL: 'b@x', ENV_NAME: 'prod', PROJECT: 'a/b', FIN: 'true', CONT: 'true' }
    let caught: unknown
    try {
      load(text, env)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ConfigError)
    const hint = "is not filled here: only targets' webhook, secret and rate_per_minute, and people's mobile, dingtalk, wecom, feishu, slack and teams take ${VAR}, so that no environment value (often a token) reaches a message or the API; write the text itself (or $${ for a literal ${)"
    expect((caught as ConfigError).problems).toEqual([
      `r.yaml:1:24: defaults.timezone: \${TZ} ${hint}`,
      `r.yaml:3:56: targets.dev.keyword: \${GITLAB_WEBHOOK_TOKEN} ${hint}`,
      `r.yaml:5:14: people[0].name: \${BOSS} ${hint}`,
      `r.yaml:5:33: people[0].gitlab: \${BOSS_LOGIN} ${hint}`,
      `r.yaml:5:59: people[0].emails[0]: \${BOSS_MAIL} ${hint}`,
      `r.yaml:7:19: rules[0].name: \${ENV_NAME} ${hint}`,
      `r.yaml:8:24: rules[0].match.project: \${PROJECT} ${hint}`,
      `r.yaml:8:48: rules[0].match.finished: \${FIN} ${hint}`,
      `r.yaml:10:16: rules[0].continue: \${CONT} ${hint}`,
      `r.yaml:11:31: rules[0].template.title: \${ADMIN_TOKEN} ${hint}`,
    ])
    for (const v of ['tok-123456', 'gl-secret-987', 'admin-secret-555']) expect((caught as Error).message).not.toContain(v)
  })

  it('$${X} in a template is the literal text ${X}', () => {
    const r = load(`${file('""')}rules:\n  - { name: r, notify: [dev], template: { title: "cost $\${X} $$5" } }\n`, { X: 'secret-x-value' })
    expect(r.rules[0].template).toEqual({ title: 'cost ${X} $5' })
  })

  it('keys and comments are not interpolated', () => {
    const r = load(`# \${NOT_SET} in a comment\ntargets:\n  "\${X}": { type: wecom, webhook: "" }\n`, {})
    expect(Object.keys(r.targets)).toEqual(['${X}'])
  })

  it('allowUnset (check --allow-unset) takes unset variables as empty and names them', () => {
    const r = load(file('${HOOK}', '    secret: ${SECRET}\n'), {}, true)
    expect(r.targets.dev.webhook).toBe('')
    expect(r.unsetVariables).toEqual(['HOOK', 'SECRET'])
  })

  it('a secret from the environment never appears in an error', () => {
    try {
      load(file('${HOOK}', '    secret: ${SECRET}\n    bogus: 1\n'), { HOOK: 'ftp://robot/?access_token=TOPSECRET', SECRET: 'SECabc123' })
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toContain('unknown key "bogus"')
      expect((err as Error).message).not.toMatch(/TOPSECRET|SECabc123/)
    }
  })

  it('a value from the environment quoted in an error is redacted', () => {
    const text = `targets:\n  dev: { type: dingtalk, webhook: "", rate_per_minute: "\${RATE}" }\n`
    try {
      load(text, { RATE: 'SECxyz-987' })
      expect.unreachable()
    } catch (err) {
      expect((err as ConfigError).problems[0]).toBe('r.yaml:2:56: targets.dev.rate_per_minute: expected number, got string "***"')
      expect((err as Error).message).not.toContain('SECxyz-987')
    }
  })
})
