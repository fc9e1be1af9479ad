import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RulesRuntime } from '../../rules/runtime.js'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { buildkiteReq, CONFIGURED_ENV, configuredRulesYaml } from '../helpers/configured-sources.js'

/** A source defined in the rules file comes and goes with the file: its endpoint appears on reload, and 404s once removed. */

let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

const WITHOUT = 'targets:\n  ci-group: { type: dingtalk, webhook: "" }\nrules:\n  - { name: all, notify: [ci-group] }\n'

describe('hot reload of sources:', () => {
  it('a new source answers after the reload, a removed one is a 404 again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'srccfg-reload-')), 'rules.yaml')
    writeFileSync(file, WITHOUT)
    deps = await testDeps()
    deps.rules = RulesRuntime.load(file, { env: CONFIGURED_ENV, log: deps.log, metrics: deps.metrics })
    const app = createApp(deps)
    const post = async () => (await app.request(buildkiteReq().path, buildkiteReq().init)).status

    expect(await post()).toBe(404)
    writeFileSync(file, configuredRulesYaml())
    deps.rules.reload()
    expect(await post()).toBe(202)
    writeFileSync(file, WITHOUT)
    deps.rules.reload()
    expect(await post()).toBe(404)
  })

  it('a reload whose source is broken keeps the previous sources running', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'srccfg-reload-')), 'rules.yaml')
    writeFileSync(file, configuredRulesYaml())
    deps = await testDeps()
    deps.rules = RulesRuntime.load(file, { env: CONFIGURED_ENV, log: deps.log, metrics: deps.metrics })
    const app = createApp(deps)
    writeFileSync(file, configuredRulesYaml().replace('secret_env: BUILDKITE_WEBHOOK_TOKEN', 'secret_env: NOT_SET_ANYWHERE'))
    expect(() => deps.rules.reload()).toThrow(/NOT_SET_ANYWHERE is not set/)
    expect((await app.request(buildkiteReq().path, buildkiteReq().init)).status).toBe(202)
  })
})
