import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serverFleet } from '../helpers/server-process.js'
import { until } from '../helpers/robot-scene.js'

/**
 * The real server, its real folder watch and POST /-/reload, fed hostile rules files while it runs: it keeps
 * answering with the old rules and reports the problem with its location (issue 16 item 2).
 */
const dir = mkdtempSync(join(tmpdir(), 'ci-notify-e2e-reload-'))
const file = join(dir, 'rules.yaml')
const fleet = serverFleet()

afterAll(async () => {
  await fleet.killAll()
  rmSync(dir, { recursive: true, force: true })
})

const good = (target: string) => `targets:\n  ${target}: { type: wecom, webhook: "" }\nrules:\n  - { name: all, notify: [${target}] }\n`
const bomb = `${good('bomb')}x:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
${'bcdefghi'.split('').map((l, i) => `  ${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n')}
`
const rate = `targets:\n  rate: { type: wecom, webhook: "", rate_per_minute: "\${RATE}" }\nrules:\n  - { name: all, notify: [rate] }\n`

/** As editors and git do: write beside, rename over. */
const replace = (text: string) => {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

type Status = { rules: { last_reload: { ok: boolean; at: string; error?: string } } }

describe('a running server fed hostile rules files', () => {
  it('keeps serving the old rules and reports the alias bomb (watch) and a ${RATE} that is not YAML (POST /-/reload)', async () => {
    writeFileSync(file, good('first'))
    const s = await fleet.start({ env: { DATA_DIR: join(dir, 'data'), RULES_FILE: file, RATE: '[unclosed', LOG_LEVEL: 'info' } })
    const status = async () => (await (await fetch(`${s.url}/api/status`)).json()) as Status
    const failedGauge = async () => /^ci_notify_rules_last_reload_failed (\d)$/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1]

    // The folder watch picks the bomb up.
    replace(bomb)
    expect(await until(() => /rules reload failed/.test(s.stdout() + s.stderr()), 20_000)).toBe(true)
    const afterBomb = await status()
    expect(afterBomb.rules.last_reload).toMatchObject({ ok: false, error: `${file}:11:10: x.f[0]: alias *e makes the file stand for more than 100000 values when expanded (nested aliases multiply); write the values out or use fewer levels of aliases` })
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200)
    expect(await failedGauge()).toBe('1')

    // POST /-/reload of a file whose ${RATE} is not YAML: 422 with the place, the server still up.
    writeFileSync(file, rate)
    const r = await fetch(`${s.url}/-/reload`, { method: 'POST' })
    expect(r.status).toBe(422)
    const { error } = (await r.json()) as { error: string }
    expect(error).toMatch(new RegExp(`^rules reload failed, the previous rules are still running: ${file}:2:\\d+: targets\\.rate\\.rate_per_minute: `))
    expect(error).not.toContain('[unclosed')
    expect((await status()).rules.last_reload.ok).toBe(false)

    // Still the first rules, still running; a good file is taken again.
    writeFileSync(file, good('second'))
    const ok = await fetch(`${s.url}/-/reload`, { method: 'POST' })
    expect(ok.status).toBe(200)
    expect((await status()).rules.last_reload.ok).toBe(true)
    expect(await failedGauge()).toBe('0')
    expect(s.proc.exitCode).toBe(null)
    expect(s.stdout() + s.stderr()).not.toMatch(/uncaught exception|Excessive alias count/)
  })
})
