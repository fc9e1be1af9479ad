import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RulesRuntime } from '../../rules/runtime.js'
import { ConfigError } from '../../src/errors.js'
import { createLogger } from '../../src/log.js'
import { createMetrics, type Metrics } from '../../src/metrics.js'

const good = (rule: string) => `targets:\n  dev: { type: dingtalk, webhook: "\${HOOK:-}" }\nrules:\n  - { name: ${rule}, notify: [dev] }\n`
const bad = `targets:\n  dev: { type: dingtalk, webhook: "" }\nrules:\n  - { name: oops, notify: [dev-gruop] }\n`

let dir: string
let file: string
let logs: string[]
let metrics: Metrics
let rt: RulesRuntime | undefined
let clock: number

const opts = () => ({
  env: { HOOK: 'https://oapi.dingtalk.com/robot/send?access_token=SEKRIT-TOKEN' },
  log: createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }) }),
  metrics,
  debounceMs: 10,
  now: () => new Date(clock),
})

/** Editors and git replace files: write beside, then rename over. */
const replace = (text: string) => {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}
const gauge = async () => (await metrics.rulesLoadError.get()).values[0]?.value
const reloads = async (result: string) => (await metrics.rulesReloads.get()).values.find((v) => v.labels.result === result)?.value ?? 0

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ci-notify-rules-'))
  file = join(dir, 'rules.yaml')
  logs = []
  metrics = createMetrics()
  clock = Date.parse('2026-01-01T00:00:00Z')
})
afterEach(() => {
  rt?.close()
  rt = undefined
  rmSync(dir, { recursive: true, force: true })
})

describe('RulesRuntime', () => {
  it('a broken file at start throws ConfigError', () => {
    writeFileSync(file, bad)
    expect(() => RulesRuntime.load(file, opts())).toThrow(ConfigError)
    expect(() => RulesRuntime.load(join(dir, 'missing.yaml'), opts())).toThrow(new ConfigError(`${join(dir, 'missing.yaml')}: cannot read the rules file: no such file`))
  })

  it('logs a valid file\'s warnings at start and at each reload', () => {
    const shadowed = (name: string) => `${good('all')}  - { name: ${name}, match: { status: failed }, notify: [dev] }\n`
    writeFileSync(file, shadowed('later'))
    rt = RulesRuntime.load(file, opts())
    const warned = () => logs.map((l) => JSON.parse(l)).filter((l) => l.level === 40 && l.warnings)
    expect(warned().map((l) => l.warnings)).toEqual([[`${file}:5:5: rules[1]: "later" is never reached: rules[0] "all" matches every event and has no continue`]])
    replace(shadowed('again'))
    rt.reload()
    expect(warned().map((l) => l.warnings[0])).toEqual([expect.stringContaining('"later" is never reached'), expect.stringContaining('"again" is never reached')])
    expect(logs.join('')).not.toContain('SEKRIT')
  })

  it('reload(): good → bad keeps the old rules and records the error → good clears it', async () => {
    writeFileSync(file, good('one'))
    rt = RulesRuntime.load(file, opts())
    expect(rt.current.rules.map((r) => r.name)).toEqual(['one'])
    expect(rt.status()).toEqual({ file, loadedAt: '2026-01-01T00:00:00.000Z', lastReload: { at: '2026-01-01T00:00:00.000Z', ok: true } })

    clock += 60_000
    writeFileSync(file, bad)
    const error = `${file}:4:28: rules[0].notify[0]: unknown target "dev-gruop"; targets are dev`
    expect(() => rt!.reload()).toThrow(new ConfigError(error))
    expect(rt.current.rules.map((x) => x.name)).toEqual(['one'])
    expect(rt.status()).toEqual({ file, loadedAt: '2026-01-01T00:00:00.000Z', lastReload: { at: '2026-01-01T00:01:00.000Z', ok: false, error } })
    expect(await gauge()).toBe(1)
    expect(logs.some((l) => l.includes('rules reload failed') && l.includes('targets are dev'))).toBe(true)

    clock += 60_000
    writeFileSync(file, good('two'))
    rt.reload()
    expect(rt.current.rules.map((x) => x.name)).toEqual(['two'])
    expect(rt.status()).toEqual({ file, loadedAt: '2026-01-01T00:02:00.000Z', lastReload: { at: '2026-01-01T00:02:00.000Z', ok: true } })
    expect(await gauge()).toBe(0)
    expect(await reloads('ok')).toBe(2)
    expect(await reloads('error')).toBe(1)
    expect(logs.join('')).not.toContain('SEKRIT-TOKEN')
  })

  it('watch(): the folder watch picks up atomic replaces, good → bad → good', async () => {
    writeFileSync(file, good('one'))
    rt = RulesRuntime.load(file, opts())
    rt.watch()
    const runtime = rt

    replace(good('two'))
    await vi.waitFor(() => expect(runtime.current.rules[0].name).toBe('two'), { timeout: 5000, interval: 10 })

    replace(bad)
    await vi.waitFor(() => expect(runtime.status().lastReload.ok).toBe(false), { timeout: 5000, interval: 10 })
    expect(runtime.current.rules[0].name).toBe('two')
    expect(runtime.status().lastReload.error).toContain('unknown target "dev-gruop"')

    replace(good('three'))
    await vi.waitFor(() => expect(runtime.current.rules[0].name).toBe('three'), { timeout: 5000, interval: 10 })
    expect(runtime.status().lastReload).toMatchObject({ ok: true })
    expect(await gauge()).toBe(0)
  })

  it('watch(): other files in the folder do not trigger a reload', async () => {
    writeFileSync(file, good('one'))
    rt = RulesRuntime.load(file, opts())
    rt.watch()
    writeFileSync(join(dir, 'other.yaml'), bad)
    replace(good('two'))
    await vi.waitFor(() => expect(rt?.current.rules[0].name).toBe('two'), { timeout: 5000, interval: 10 })
    expect(await reloads('error')).toBe(0)
  })

  it('rules given inline have nothing to reload', () => {
    writeFileSync(file, good('one'))
    const loaded = RulesRuntime.load(file, opts())
    const inline = RulesRuntime.fromCompiled(loaded.current)
    expect(() => inline.reload()).toThrow(new ConfigError('these rules were not loaded from a file; nothing to reload'))
    expect(inline.current.rules[0].name).toBe('one')
  })
})

describe('RulesRuntime.watch() with a Kubernetes ConfigMap layout', () => {
  it('follows the ..data symlink swap', async () => {
    const { mkdirSync, symlinkSync } = await import('node:fs')
    mkdirSync(join(dir, '..v1'))
    writeFileSync(join(dir, '..v1', 'rules.yaml'), good('one'))
    symlinkSync('..v1', join(dir, '..data'))
    symlinkSync(join('..data', 'rules.yaml'), file)
    rt = RulesRuntime.load(file, opts())
    rt.watch()
    mkdirSync(join(dir, '..v2'))
    writeFileSync(join(dir, '..v2', 'rules.yaml'), good('two'))
    symlinkSync('..v2', join(dir, '..data_tmp'))
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
    const runtime = rt
    await vi.waitFor(() => expect(runtime.current.rules[0].name).toBe('two'), { timeout: 5000, interval: 10 })
  })
})
