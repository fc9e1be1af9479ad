import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseRules } from '../../rules/load.js'
import { configProblems } from './config-problems.js'

/** `sources:` in the rules file: what `check` says about a definition, each problem at its file:line:col. */

const head = `targets:
  dev: { type: dingtalk, webhook: "" }
`
const source = (id: string, more = '') => `  - id: ${id}
    auth: { kind: token, header: X-Token, secret_env: CI_TOKEN }
    fields:
      status: { from: state, map: { ok: success, ko: failed } }
      project.path: { from: repo.path }
${more}`
const env = { CI_TOKEN: 's3cret-token' }

describe('sources: in the rules file', () => {
  it('a valid source compiles into the file, and its id may be named in matches and people', () => {
    const rules = parseRules(`${head}sources:\n${source('buildkite')}people:\n  - { name: Ann, buildkite: ann }\nrules:\n  - { name: bk, match: { source: buildkite }, notify: [dev] }\n`, { file: 'r.yaml', env })
    expect(Object.keys(rules.sources)).toEqual(['buildkite'])
    expect(rules.sources.buildkite.adapter.name).toBe('buildkite')
    expect(rules.sources.buildkite.secret).toBe('s3cret-token')
    expect(rules.people.handles.buildkite.get('ann')?.name).toBe('Ann')
    expect(rules.warnings).toEqual([])
  })

  it('an id that is a built-in source is an error', () => {
    expect(configProblems(`${head}sources:\n${source('gitea')}`, { env })).toEqual([
      'rules.yaml:4:9: sources[0].id: "gitea" is a built-in source (gitlab, jenkins, github, gitea, forgejo): its endpoint is taken; give this source another id, e.g. "gitea-2"',
    ])
  })

  it('a source: or a person key that names no source, with did you mean', () => {
    expect(configProblems(`${head}sources:\n${source('buildkite')}people:\n  - { name: Ann, buildkit: ann }\nrules:\n  - { name: bk, match: { source: buildkit }, notify: [dev] }\n`, { env })).toEqual([
      'rules.yaml:10:18: people[0].buildkit: unknown key "buildkit", did you mean "buildkite"?',
      'rules.yaml:12:34: rules[0].match.source: "buildkit" is not one of gitlab, jenkins, github, gitea, forgejo, buildkite, did you mean "buildkite"?',
    ])
  })

  it('typos in a definition, with did you mean, and a problem in another source still shown', () => {
    const text = `${head}sources:
  - id: a
    auth: { kind: hmac, header: X-Sig, secret_env: CI_TOKEN, algoritm: sha256 }
    fields:
      status: { form: state }
      project.pth: { from: x }
${source('b', '      sha: { from: "a[*]" }\n')}`
    expect(configProblems(text, { env })).toEqual([
      'rules.yaml:5:62: sources[0].auth.algoritm: unknown key "algoritm", did you mean "algorithm"?',
      'rules.yaml:7:17: sources[0].fields.status.form: unknown key "form", did you mean "from"?',
      'rules.yaml:8:7: sources[0].fields["project.pth"]: unknown key "project.pth", did you mean "project.path"?',
      'rules.yaml:14:20: sources[1].fields.sha.from: "a[*]" is not a plain path: write dotted names with [n] indices (build.creator.name, items[0].id), no wildcards, filters or quotes',
    ])
  })

  it('what the schema cannot see: statuses, regexes, time on a non-time field, needed keys, the secret', () => {
    const text = `${head}sources:
  - id: a
    auth: { kind: hmac, header: X-Sig, secret_env: UNSET_SECRET, signed: "{ts}.{body}", max_skew: 5m }
    accept: [build.finished]
    fields:
      status: { from: state, map: { passed: sucess }, default: unknown }
      project.path: { from: url, extract: '^(a)(b)$' }
      sha: { from: x, time: iso8601 }
      branch: { from: b, value: main }
      url: { from: u, extract: '(?=x)(y)' }
`
    expect(configProblems(text, {})).toEqual([
      'rules.yaml:5:52: sources[0].auth.secret_env: UNSET_SECRET is not set (nor UNSET_SECRET_FILE): the secret this source\'s webhooks are checked with; to accept unauthenticated webhooks write auth: { kind: none }',
      'rules.yaml:5:74: sources[0].auth.signed: "{ts}.{body}" needs the timestamp: parse: { kind: kv-list, keys: { sig: …, ts: … } }',
      'rules.yaml:5:99: sources[0].auth.max_skew: max_skew needs the timestamp: parse: { kind: kv-list, keys: { sig: …, ts: … } }',
      'rules.yaml:6:13: sources[0].accept: needs event: where the event type is ({ header: … } or { body: … })',
      'rules.yaml:8:45: sources[0].fields.status.map.passed: "sucess" is not a status: one of queued, running, success, failed, unstable, canceled, skipped, manual, did you mean "success"?',
      'rules.yaml:8:64: sources[0].fields.status.default: "unknown" is not a status: one of queued, running, success, failed, unstable, canceled, skipped, manual',
      'rules.yaml:9:43: sources[0].fields["project.path"].extract: is not a regular expression RE2 can run: needs exactly one capture group ( … ), the part to keep; it has 2 (write (?: … ) for a group that only groups)',
      'rules.yaml:10:29: sources[0].fields.sha.time: sha is not a time; time applies to started_at and finished_at',
      'rules.yaml:11:15: sources[0].fields.branch: needs exactly one of from (where the value is) and value (a constant)',
      'rules.yaml:12:32: sources[0].fields.url.extract: is not a regular expression RE2 can run: invalid or unsupported Perl syntax: `(?=`; RE2 has no lookaround; exclude with a negated pattern in the same list instead, e.g. ["/^release/", "!/-rc$/"]',
    ])
  })

  it('a field or dedupe key that would read the credential (the token header, Authorization, Cookie) is an error', () => {
    const more = '      actor: { from: "header:x-token" }\n      name: { from: "header:Authorization" }\n    dedupe_key: ["header:Cookie", "header:X-Delivery"]\n'
    const problems = configProblems(`${head}sources:\n${source('ci', more)}`, { env })
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/^rules\.yaml:\d+:\d+: sources\[0\]\.fields\.actor\.from: header:x-token carries the source's credential/)
    expect(problems[1]).toMatch(/sources\[0\]\.fields\.name\.from: header:Authorization carries the source's credential/)
    expect(problems[2]).toMatch(/sources\[0\]\.dedupe_key\[0\]: header:Cookie carries the source's credential/)
  })

  it('auth none only when written: a source without auth is an error', () => {
    const text = `${head}sources:\n  - id: a\n    fields: { status: { value: success }, project.path: { value: x } }\n`
    expect(configProblems(text)).toEqual(['rules.yaml:4:5: sources[0]: missing required key "auth"'])
    const open = parseRules(text.replace('    fields', '    auth: { kind: none }\n    fields'), { file: 'r', env: {} })
    expect(Object.keys(open.sources)).toEqual(['a'])
    expect(open.warnings).toEqual(['r:5:19: sources[0].auth.kind: POST /webhooks/a accepts unauthenticated requests: anyone who can reach the port can post to it (use token, hmac or basic where the CI can send one)'])
  })

  it('the secret from <secret_env>_FILE, without its trailing newline; both set is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srccfg-'))
    const file = join(dir, 'token')
    writeFileSync(file, 'from-file\n')
    const text = `${head}sources:\n${source('a')}`
    expect(parseRules(text, { file: 'r', env: { CI_TOKEN_FILE: file } }).sources.a.secret).toBe('from-file')
    expect(configProblems(text, { env: { CI_TOKEN: 'x', CI_TOKEN_FILE: file } })).toEqual(['rules.yaml:5:55: sources[0].auth.secret_env: CI_TOKEN and CI_TOKEN_FILE are both set; use one'])
  })

  it('--allow-unset: an unset secret_env is listed as unset, not an error', () => {
    const rules = parseRules(`${head}sources:\n${source('a')}`, { file: 'r', env: {}, allowUnset: true })
    expect(rules.unsetVariables).toEqual(['CI_TOKEN'])
  })

  it('the example in docs/rules.md ("Sources") loads as written', () => {
    const doc = readFileSync('docs/rules.md', 'utf8')
    const start = doc.indexOf('```yaml\nsources:\n')
    const yaml = doc.slice(start + 8, doc.indexOf('```\n', start + 8))
    const rules = parseRules(`${head}${yaml}`, { file: 'r', env: { BUILDKITE_WEBHOOK_TOKEN: 'a', CIRCLECI_WEBHOOK_SECRET: 'b' } })
    expect(Object.keys(rules.sources)).toEqual(['buildkite', 'circleci'])
  })

  it('a rule for a configured source is not reported unreachable', () => {
    const text = `${head}sources:\n${source('a')}rules:\n  - { name: a-only, match: { source: a, status: failed }, notify: [dev] }\n`
    expect(parseRules(text, { file: 'r', env }).warnings).toEqual([])
  })
})
