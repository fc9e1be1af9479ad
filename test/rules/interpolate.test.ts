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

  it('numbers and booleans come out typed where the file expects them, text everywhere else', () => {
    const text = `targets:
  dev: { type: dingtalk, webhook: "", rate_per_minute: "\${RATE:-5}" }
people:
  - { name: A, mobile: "\${MOBILE}" }
rules:
  - { name: r, notify: [dev], continue: "\${CONT:-true}", match: { finished: "\${FIN}" } }
`
    const r = load(text, { MOBILE: '13800138000', FIN: 'false' })
    expect(r.targets.dev.rate_per_minute).toBe(5)
    expect(r.config.people[0].mobile).toBe('13800138000')
    expect(r.config.rules[0].continue).toBe(true)
    expect(r.config.rules[0].match?.finished).toBe(false)
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
    const text = `targets:\n  dev: { type: dingtalk, webhook: "", msgtype: "\${TYPE}" }\n`
    try {
      load(text, { TYPE: 'SECxyz-987' })
      expect.unreachable()
    } catch (err) {
      expect((err as ConfigError).problems[0]).toMatch(/^r\.yaml:2:48: targets\.dev\.msgtype: "\S+" is not one of markdown, actionCard, text$/)
      expect((err as Error).message).not.toContain('SECxyz-987')
    }
  })
})
