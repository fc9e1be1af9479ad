import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run as check } from '../../src/commands/check.js'
import { run as normalize } from '../../src/commands/normalize.js'
import { runCases } from '../../src/commands/test/cases.js'
import { run as test } from '../../src/commands/test/index.js'
import { loadRulesFile } from '../../rules/load.js'
import { CONFIGURED_RULES } from '../helpers/configured-sources.js'
import { capture } from '../rules/capture.js'

/** The CLI takes a source defined in the rules file wherever it takes a built-in one. */
const fx = (name: string) => `test/fixtures/configured/${name}`
const dir = mkdtempSync(join(tmpdir(), 'srccfg-cli-'))

describe('CLI with sources defined in the rules file', () => {
  it('normalize --source <id> --rules FILE prints the common event; a typo gets did you mean', async () => {
    const r = await capture(normalize, ['--source', 'circleci', '--rules', CONFIGURED_RULES, fx('circleci-workflow-completed-success.json')])
    expect([r.code, r.err]).toEqual([0, ''])
    expect(JSON.parse(r.out)).toMatchObject({ id: 'preview', source: 'circleci', status: 'success', project: { path: 'acme/api-server' }, number: 131 })
    const typo = await capture(normalize, ['--source', 'circlci', '--rules', CONFIGURED_RULES, fx('circleci-workflow-completed-success.json')])
    expect(typo.code).toBe(2)
    expect(typo.err).toContain('--source: unknown source "circlci", did you mean "circleci"?; sources are gitlab, jenkins, github, gitea, forgejo, buildkite, circleci')
  })

  it('normalize: a missing required field names the source, the field and its from path (exit 1)', async () => {
    const body = JSON.parse(readFileSync(fx('buildkite-build-finished-failed.json'), 'utf8'))
    delete body.build.number
    const file = join(dir, 'no-number.json')
    writeFileSync(file, JSON.stringify(body))
    const r = await capture(normalize, ['--source', 'buildkite', '--rules', CONFIGURED_RULES, '--header', 'X-Buildkite-Event: build.finished', file])
    expect(r.code).toBe(1)
    expect(r.err).toBe(`ci-notify normalize: ${file}: buildkite payload: field number (from build.number): missing (required: set optional: true or a default)\n`)
  })

  it('test --source <id> routes the payload with the file that defines it', async () => {
    const r = await capture(test, [CONFIGURED_RULES, '--allow-unset', '--source', 'buildkite', '--header', 'X-Buildkite-Event: build.finished', fx('buildkite-build-finished-failed.json'), '--previous', 'success'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('event       buildkite pipeline failed (finished), source status "failed"')
    expect(r.out).toContain('transition  broken; previous run success')
    expect(r.out).toContain('ci broken or fixed  matched')
  })

  it('golden cases may use a configured source', () => {
    const rules = loadRulesFile(CONFIGURED_RULES, {}, { allowUnset: true })
    expect(runCases('test/fixtures/configured/cases', rules)).toEqual([
      { name: 'buildkite-broken', ok: true },
      { name: 'buildkite-running-ignored', ok: true },
      { name: 'circleci-fixed', ok: true },
    ])
  })

  it('check: ok with its sources counted; a broken source at file:line:col', async () => {
    const ok = await capture(check, [CONFIGURED_RULES, '--allow-unset'])
    expect(ok.code).toBe(0)
    expect(ok.out).toContain(`${CONFIGURED_RULES}: ok, 1 target, 1 person, 2 rules, 2 sources`)
    const broken = join(dir, 'rules.yaml')
    writeFileSync(broken, readFileSync(CONFIGURED_RULES, 'utf8').replace('from: build.state', 'from: build.stat').replace('      sha: { from: build.commit }', '      sah: { from: build.commit }'))
    const bad = await capture(check, [broken, '--allow-unset'])
    expect(bad.code).toBe(1)
    expect(bad.err).toContain(`${broken}:30:7: sources[0].fields.sah: unknown key "sah", did you mean "sha"?`)
  })
})
