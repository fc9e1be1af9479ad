import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { adapters, SOURCES } from '../../adapters/index.js'
import { parseRules } from '../../rules/load.js'
import { route } from '../../rules/route.js'
import { createApp } from '../../src/http/server.js'
import { banner, openWarnings } from '../../src/serve/banner.js'
import { defaultSettings } from '../../src/settings/settings.js'
import { SETTINGS } from '../../src/settings/settings-spec.js'
import { configProblems } from '../rules/config-problems.js'
import { makeEvent } from '../rules/make-event.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

/**
 * Everything outside a source's folder learns of it from the registry (adapters/index.ts): a source added there is
 * configured, announced, reported and matched without another edit. Gitea and Forgejo are checked here as the
 * sources added that way.
 */
let d: TestDeps | undefined
afterEach(async () => {
  await d?.close()
  d = undefined
})

describe('a registered source is everywhere', () => {
  it('has its secret setting, with a flag and a _FILE variant', () => {
    const rows = SETTINGS.filter((s) => s.source)
    expect(rows.map((s) => [s.source, s.env, s.flag, s.secret])).toEqual(SOURCES.map((n) => [n, expect.any(String), expect.any(String), true]))
    expect(rows.find((s) => s.source === 'gitea')).toMatchObject({ env: 'GITEA_WEBHOOK_SECRET', flag: 'gitea-webhook-secret' })
    expect(rows.find((s) => s.source === 'forgejo')).toMatchObject({ env: 'FORGEJO_WEBHOOK_SECRET', flag: 'forgejo-webhook-secret' })
  })

  it('is in the start banner with its endpoint, and warned about while open, never with a secret value', () => {
    const secret = 'gitea-secret-value-1'
    const s = defaultSettings({ host: '127.0.0.1', secrets: { gitea: secret } })
    const text = banner({ settings: s, port: 8080, version: 't', rulesFile: 'rules.yaml', example: false, examplePayload: 'x.json' })
    expect(text).toContain('  Gitea    http://127.0.0.1:8080/webhooks/gitea  (secret = $GITEA_WEBHOOK_SECRET)  Settings → Webhooks')
    expect(text).toContain('  Forgejo  http://127.0.0.1:8080/webhooks/forgejo  Settings → Webhooks')
    expect(text).not.toContain(secret)
    const warnings = openWarnings(s)
    expect(warnings).toContain('POST /webhooks/forgejo accepts unsigned requests: set FORGEJO_WEBHOOK_SECRET')
    expect(warnings.some((w) => w.includes('/webhooks/gitea '))).toBe(false)
  })

  it('keeps the query token of a source whose secret rides in the URL (Jenkins) in its banner URL', () => {
    const text = banner({ settings: defaultSettings({ host: '127.0.0.1', secrets: { jenkins: 'jenkins-token-1' } }), port: 1, version: 't', rulesFile: 'r', example: false, examplePayload: 'x' })
    expect(text).toContain('http://127.0.0.1:1/webhooks/jenkins?token=$JENKINS_WEBHOOK_TOKEN')
  })

  it('is in /api/status inbound: signature when its secret is set, open otherwise', async () => {
    d = await testDeps({ settings: { secrets: { gitea: 'gitea-secret-value-1', gitlab: 'gitlab-token-value-1' } } })
    const body = (await (await createApp(d).request('/api/status')).json()) as { inbound: Record<string, string> }
    expect(body.inbound).toEqual({ gitlab: 'token', jenkins: 'open', github: 'open', gitea: 'signature', forgejo: 'open' })
  })

  it("gives people its user-name key, and routes a mention of the actor through it", () => {
    const rules = parseRules(
      'targets:\n  dev: { type: dingtalk, webhook: "" }\npeople:\n  - { name: 张三, gitea: zhangsan, dingtalk: "0123" }\nrules:\n  - { name: r, notify: [dev], mention: [actor] }\n',
      { file: 'r.yaml', env: {} },
    )
    const event = makeEvent({ source: 'gitea', actor: { username: 'ZhangSan' } })
    expect(route(event, rules, undefined).routing.targets[0].mentions).toMatchObject([{ as: 'actor', name: '张三', resolved: true, via: 'username' }])
  })

  it('refuses two people with one user name on it, and its name in source:', () => {
    const targets = 'targets:\n  dev: { type: dingtalk, webhook: "" }\n'
    expect(configProblems(`${targets}people:\n  - { name: A, forgejo: same }\n  - { name: B, forgejo: SAME }\n`, { file: 'p.yaml' })).toEqual([
      'p.yaml:5:25: people[1].forgejo: forgejo "SAME" is also on people[0] (A)',
    ])
    expect(() => parseRules('targets:\n  dev: { type: dingtalk, webhook: "" }\nrules:\n  - { name: r, match: { source: [gitea, forgejo] }, notify: [dev] }\n', { file: 'r.yaml', env: {} })).not.toThrow()
  })

  it('is in docs/sources.md: its endpoint, its secret setting and its event header', () => {
    const doc = readFileSync('docs/sources.md', 'utf8')
    for (const n of SOURCES) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${adapters[n].label} |`))
      expect(row, n).toBeDefined()
      expect(row).toContain(`\`/webhooks/${n}`)
      expect(row).toContain(`\`${adapters[n].secret.env}\``)
      const header = adapters[n].event?.header
      if (header) expect(row?.toLowerCase()).toContain(header)
    }
  })
})
