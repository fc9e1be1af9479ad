import { parseRules } from '../../rules/load.js'
import type { CompiledRules } from '../../rules/compile.js'

/** Two dry-run targets and the people tests resolve against; `rules` is the YAML of the rules list. */
export function rulesWith(rules: string, more = ''): CompiledRules {
  const text = `targets:
  dev: { type: dingtalk, webhook: "" }
  ops: { type: wecom, webhook: "" }
  qa: { type: wecom, webhook: "" }
people:
  - { name: 张三, gitlab: zhangsan, github: zs-gh, jenkins: zs, emails: [zhangsan@example.com], dingtalk: dt-zs, wecom: wc-zs, mobile: "13800138000" }
  - { name: 李四, gitlab: lisi, emails: [lisi@example.com, Li.Si@Corp.example] }
  - { name: Administrator, jenkins: admin }
${more}rules:
${rules}`
  return parseRules(text, { file: 'test.yaml', env: {} })
}
