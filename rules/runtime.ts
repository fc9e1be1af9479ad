import { watch as watchFs, readFileSync, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import { ConfigError } from '../src/errors.js'
import type { Logger } from '../src/log.js'
import type { Metrics } from '../src/metrics.js'
import type { CompiledRules } from './compile.js'
import type { Env } from './interpolate.js'
import { parseRules, readRulesText } from './load.js'

export type RulesStatus = { file: string; loadedAt: string; lastReload: { at: string; ok: boolean; error?: string } }

type Options = { env: Env; log: Logger; metrics: Metrics; debounceMs?: number; now?: () => Date }

/**
 * The rules the server runs with. A bad file at start throws (the server exits 1); a bad file later keeps the
 * old rules running and is reported in status(), the log and `ci_notify_rules_last_reload_failed`.
 */
export class RulesRuntime {
  private loadedAt: Date
  private last: RulesStatus['lastReload']
  private watcher?: FSWatcher
  private timer?: NodeJS.Timeout
  private loadedText?: string

  private constructor(
    private rules: CompiledRules,
    private readonly o?: Options,
  ) {
    this.loadedAt = this.now()
    this.last = { at: this.loadedAt.toISOString(), ok: true }
  }

  /** Throws ConfigError: a broken file at start must stop the server. */
  static load(file: string, o: Options): RulesRuntime {
    const text = readRulesText(file)
    const rt = new RulesRuntime(parseRules(text, { file, env: o.env }), o)
    rt.loadedText = text
    warn(o.log, rt.rules)
    o.metrics.rulesReloads.inc({ result: 'ok' })
    o.metrics.rulesLoadError.set(0)
    return rt
  }

  static fromCompiled(c: CompiledRules): RulesRuntime {
    return new RulesRuntime(c)
  }

  get current(): CompiledRules {
    return this.rules
  }

  /**
   * SIGHUP, POST /-/reload and the folder watch all come here. A broken file throws its ConfigError after recording
   * it (status, metric, log); the previous rules keep running either way. Throws nothing but ConfigError: whatever
   * went wrong while loading is the file's problem to report, never a reason for the server to stop.
   */
  reload(): void {
    const at = this.now().toISOString()
    if (!this.o) throw new ConfigError('these rules were not loaded from a file; nothing to reload')
    const { log, metrics, env } = this.o
    try {
      const text = readRulesText(this.rules.file)
      this.rules = parseRules(text, { file: this.rules.file, env })
      this.loadedText = text
      this.loadedAt = this.now()
      this.last = { at, ok: true }
      metrics.rulesReloads.inc({ result: 'ok' })
      metrics.rulesLoadError.set(0)
      log.info({ file: this.rules.file, rules: this.rules.rules.length }, 'rules reloaded')
      warn(log, this.rules)
    } catch (caught) {
      // parseRules() promises ConfigError; this holds even if it breaks that promise.
      const err = caught instanceof ConfigError ? caught : new ConfigError(`${this.rules.file}: the rules file cannot be loaded: ${String(caught).split('\n')[0]}`)
      this.last = { at, ok: false, error: err.message }
      metrics.rulesReloads.inc({ result: 'error' })
      metrics.rulesLoadError.set(1)
      log.error({ file: this.rules.file, problems: err.problems }, 'rules reload failed; the previous rules keep running')
      throw err
    }
  }

  /** The text of the file the running rules came from; undefined when they were not read from a file (tests). */
  get text(): string | undefined {
    return this.loadedText
  }

  /** When the rules running now were loaded (epoch ms, by the runtime's clock). */
  get loadedAtMs(): number {
    return this.loadedAt.getTime()
  }

  status(): RulesStatus {
    return { file: this.rules.file, loadedAt: this.loadedAt.toISOString(), lastReload: { ...this.last } }
  }

  /**
   * Watches the file's folder, not the file: editors and `git pull` replace files by rename, which a watch on
   * the old inode never sees. Bursts of events are debounced into one reload, and a save that changes nothing is
   * not reloaded.
   */
  watch(): void {
    if (!this.o || this.watcher) return
    const file = this.rules.file
    const name = basename(file)
    this.watcher = watchFs(dirname(file), (_event, changed) => {
      // Kubernetes ConfigMap volumes swap a `..data` symlink instead of touching the file's own name.
      const c = changed?.toString()
      if (c !== undefined && c !== name && !c.startsWith('..')) return
      clearTimeout(this.timer)
      this.timer = setTimeout(() => this.onChange(), this.o?.debounceMs ?? 250)
    })
    this.watcher.on('error', (err) => this.o?.log.error({ err, file }, 'rules folder watch failed; reload with SIGHUP or POST /-/reload'))
  }

  close(): void {
    clearTimeout(this.timer)
    this.watcher?.close()
    this.watcher = undefined
  }

  private onChange(): void {
    let text: string
    try {
      text = readRulesText(this.rules.file)
    } catch (err) {
      // Mid-rename the file may be briefly absent; the next event brings it back. A real removal shows in reload().
      this.o?.log.warn({ file: this.rules.file, err: (err as Error).message }, 'rules file not readable yet')
      return
    }
    if (text === this.loadedText && this.last.ok) return
    try {
      this.reload()
    } catch {
      // A ConfigError (reload() throws nothing else), already recorded and logged; a watch has nobody else to tell.
    }
  }

  private now(): Date {
    return this.o?.now?.() ?? new Date()
  }
}

/** A valid file's warnings (rules/warnings.ts), once per load, as `ci-notify check` lists them. */
function warn(log: Logger, rules: CompiledRules): void {
  if (rules.warnings.length) log.warn({ file: rules.file, warnings: rules.warnings }, `the rules file has ${rules.warnings.length} warning(s); \`ci-notify check\` lists them`)
}
