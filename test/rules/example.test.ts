import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadRulesFile, parseRules } from '../../rules/load.js'
import { PLATFORM_NAMES } from '../../src/platforms/index.js'

describe('rules.example.yaml', () => {
  it('loads as is, with no environment variable set', () => {
    const r = loadRulesFile('rules.example.yaml', {})
    expect(r.targets['dev-group']).toMatchObject({ type: 'dingtalk', webhook: '', keyword: '构建', name: 'dev-group' })
    expect(r.rules.map((x) => x.name)).toContain('main-broken')
  })

  it('shows a target of every registered platform, routed by a rule, and a person with an id on each', () => {
    const r = loadRulesFile('rules.example.yaml', {})
    expect(new Set(Object.values(r.targets).map((t) => t.type))).toEqual(new Set(PLATFORM_NAMES))
    const routed = new Set(r.rules.flatMap((x) => x.notify))
    for (const name of Object.keys(r.targets)) expect(routed, name).toContain(name)
    const zhang = r.config.people.find((p) => p.name === '张三')!
    for (const platform of PLATFORM_NAMES) expect(zhang, platform).toHaveProperty(platform)
  })

  it("the issue's example block loads once its two required variables are set", () => {
    const issue = readFileSync('test/rules/issue-example.yaml', 'utf8')
    const env = { DINGTALK_DEV_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=t0ken', WECOM_OPS_WEBHOOK: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y' }
    const r = parseRules(issue, { file: 'issue.yaml', env })
    expect(r.targets['dev-group'].webhook).toBe(env.DINGTALK_DEV_WEBHOOK)
    expect(r.targets['dev-group']).toMatchObject({ secret: '' })
    expect(r.rules.map((x) => [x.name, x.continue, x.all])).toEqual([
      ['main-broken', false, false],
      ['fixed', false, false],
      ['production-deploys', true, true],
      ['other-failures', false, false],
    ])
  })
})
