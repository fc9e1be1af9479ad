/** The rules and start time the silences API and CLI tests share: two silent targets, one rule notifying both. */
export const T0 = Date.parse('2026-12-04T10:00:00Z')
export const RULES = `
targets:
  ops: { type: dingtalk, webhook: "" }
  dev-group: { type: dingtalk, webhook: "" }
rules:
  - name: everything
    notify: [ops, dev-group]
`
