import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/commands/check.js'
import { capture } from '../rules/capture.js'

const dir = mkdtempSync(join(tmpdir(), 'ci-notify-check-'))
const write = (name: string, text: string) => {
  const f = join(dir, name)
  writeFileSync(f, text)
  return f
}
afterEach(() => vi.unstubAllEnvs())

describe('ci-notify check', () => {
  it('exit 0 with a one-line summary for the example file', async () => {
    expect(await capture(run, ['rules.example.yaml'])).toEqual({ code: 0, out: 'rules.example.yaml: ok, 5 targets, 3 people, 8 rules\n', err: '' })
  })

  it('defaults to $RULES_FILE', async () => {
    const f = write('env.yaml', 'targets:\n  a: { type: wecom, webhook: "" }\n')
    vi.stubEnv('RULES_FILE', f)
    expect(await capture(run, [])).toEqual({ code: 0, out: `${f}: ok, 1 target, 0 people, 0 rules\n`, err: '' })
  })

  it('exit 1 listing every problem', async () => {
    const f = write('bad.yaml', 'targets:\n  dev-group: { type: dingtalk, webhook: "" }\nrules:\n  - { name: a, notify: [dev-gruop], contine: true }\n')
    const r = await capture(run, [f])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toBe(`${f}: 2 problems
  ${f}:4:25: rules[0].notify[0]: unknown target "dev-gruop", did you mean "dev-group"?
  ${f}:4:37: rules[0].contine: unknown key "contine", did you mean "continue"?
`)
  })

  it('exit 1 for an alias bomb, located at the alias (issue 16 item 2)', async () => {
    const levels = 'bcdefghi'.split('').map((l, i) => `  ${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
    const f = write('bomb.yaml', ['targets: {}', 'x:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...levels, ''].join('\n'))
    expect(await capture(run, [f])).toEqual({ code: 1, out: '', err: `${f}:8:10: x.f[0]: alias *e makes the file stand for more than 100000 values when expanded (nested aliases multiply); write the values out or use fewer levels of aliases\n` })
  })

  it('exit 1 naming an unset variable; --allow-unset takes it as empty and says so', async () => {
    const f = write('vars.yaml', 'targets:\n  a: { type: wecom, webhook: "${OPS_HOOK_FOR_CHECK}" }\n')
    const strict = await capture(run, [f])
    expect(strict).toEqual({ code: 1, out: '', err: `${f}:2:31: targets.a.webhook: environment variable OPS_HOOK_FOR_CHECK is not set (write \${OPS_HOOK_FOR_CHECK:-} to make it optional)\n` })
    expect(await capture(run, [f, '--allow-unset'])).toEqual({ code: 0, out: `${f}: ok, 1 target, 0 people, 0 rules (unset, taken as empty: OPS_HOOK_FOR_CHECK)\n`, err: '' })
  })

  it('warnings: exit 0, each with file:line:col on stderr, counted in the summary; no secret or URL quoted', async () => {
    vi.stubEnv('DT_SECRET_FOR_CHECK', 'sekrit-not-sec')
    const f = write(
      'warn.yaml',
      `targets:
  dev: { type: dingtalk, webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY-FOR-CHECK", secret: "\${DT_SECRET_FOR_CHECK}" }
rules:
  - { name: all, notify: [dev] }
  - { name: failed, match: { status: failed }, notify: [dev] }
`,
    )
    const r = await capture(run, [f])
    expect(r.code).toBe(0)
    expect(r.out).toBe(`${f}: ok, 1 target, 0 people, 2 rules, 3 warnings\n`)
    expect(r.err).toBe(`${f}: 3 warnings
  ${f}:2:35: targets.dev.webhook: a dingtalk target whose webhook is on WeCom's host (qyapi.weixin.qq.com): set type: wecom, or use the DingTalk robot's webhook
  ${f}:2:113: targets.dev.secret: does not start with SEC: the DingTalk robot's 加签 secret is the SEC… string in its security settings (with another, every message is refused: 310000 sign not match)
  ${f}:5:5: rules[1]: "failed" is never reached: rules[0] "all" matches every event and has no continue
`)
    expect(r.err).not.toMatch(/sekrit|KEY-FOR-CHECK/)
  })

  it('exit 1 for a missing file; exit 2 for bad usage', async () => {
    expect(await capture(run, [join(dir, 'nope.yaml')])).toEqual({ code: 1, out: '', err: `${join(dir, 'nope.yaml')}: cannot read the rules file: no such file\n` })
    expect((await capture(run, ['a.yaml', 'b.yaml'])).code).toBe(2)
    expect((await capture(run, ['--bogus'])).code).toBe(2)
  })
})
