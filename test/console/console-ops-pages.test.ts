import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.js'
import { createApp } from '../../src/http/server.js'
import { createLogger } from '../../src/log.js'
import { createMetrics } from '../../src/metrics.js'
import { RulesRuntime } from '../../rules/runtime.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'
import { gitlabReq } from '../http/requests.js'
import { browserLike } from './helpers.js'

const ROBOT_TOKEN = 'robot-token-9c1e77aa0b'
const SIGNING = 'SECsigning-secret-41d2'
let deps: TestDeps
let dir: string
afterEach(async () => {
  await deps?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const rulesText = (extra = '') =>
  `targets:\n  ops:\n    type: dingtalk\n    webhook: "https://oapi.dingtalk.com/robot/send?access_token=${ROBOT_TOKEN}"\n    secret: "${SIGNING}"\nrules:\n  - name: all\n    notify: [ops]\n${extra}`

describe('console rules page', () => {
  it('shows the file read-only with its secrets hidden, and a failed reload with file:line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ci-notify-console-rules-'))
    const file = join(dir, 'rules.yaml')
    writeFileSync(file, rulesText())
    deps = await testDeps()
    deps.rules = RulesRuntime.load(file, { env: {}, log: createLogger({ level: 'silent' }), metrics: createMetrics() })
    const b = browserLike(createApp(deps))

    const ok = await (await b.get('/console/rules')).text()
    expect(ok).toContain(file)
    expect(ok).toContain('name: all')
    expect(ok).not.toContain(ROBOT_TOKEN)
    expect(ok).not.toContain(SIGNING)

    writeFileSync(file, rulesText('  - name: broken\n    notify: [nobody]\n'))
    expect(() => deps.rules.reload()).toThrow(ConfigError)
    const failed = await (await b.get('/console/rules')).text()
    expect(failed).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`))
    expect(failed).toContain('nobody')
    // The running rules are still the old ones, and still shown without their secrets.
    expect(failed).not.toContain(ROBOT_TOKEN)
  })
})

describe('console targets page', () => {
  it('shows each robot with its queue and its last error, the robot URL credentials removed', async () => {
    deps = await testDeps()
    const app = createApp(deps)
    const r = gitlabReq({ token: null })
    const { event_id } = (await (await app.request(r.path, r.init)).json()) as { event_id: string }
    const [d] = (await deps.store.getEvent(event_id))!.deliveries
    await deps.store.markDead(d.id, { errcode: 310000, errmsg: `sign not match at https://oapi.dingtalk.com/robot/send?access_token=${ROBOT_TOKEN}` })
    const html = await (await browserLike(app).get('/console/targets')).text()
    expect(html).toContain('data-target="ops"')
    expect(html).toContain('310000 sign not match')
    expect(html).not.toContain(ROBOT_TOKEN)
  })
})
