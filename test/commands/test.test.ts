import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../../src/commands/test/index.js'
import { capture } from '../rules/capture.js'

const EXAMPLE = 'rules.example.yaml'
const fx = (p: string) => `test/fixtures/${p}`

describe('ci-notify test PAYLOAD', () => {
  it('--at shows per target whether quiet hours hold the delivery, and until when; a bad --at is a usage error', async () => {
    const night = await capture(run, [EXAMPLE, '--source', 'gitlab', 'examples/cases/gitlab-feature-failed-at-night.json', '--at', '2026-01-01T23:00:00+08:00'])
    expect(night.out).toContain('  dev-group (dingtalk, dry run: no webhook) from other-failures\n    held: muted by night until 2026-01-02T00:00:00.000Z, then one catch-up digest\n')
    // Saturday: the weekend, then Monday's night until 08:00.
    const weekend = await capture(run, [EXAMPLE, '--source', 'gitlab', 'examples/cases/gitlab-feature-failed-at-night.json', '--at', '2026-01-03T10:00:00+08:00'])
    expect(weekend.out).toContain('    held: muted by weekend until 2026-01-05T00:00:00.000Z, then one catch-up digest\n')
    const day = await capture(run, [EXAMPLE, '--source', 'gitlab', 'examples/cases/gitlab-feature-failed-at-night.json', '--at', '2026-01-02T10:00:00+08:00'])
    expect(day.out).toContain('from other-failures\n    grouped: no, sent on its own\n    message:')
    expect(day.out).not.toContain('held:')
    const bad = await capture(run, [EXAMPLE, '--source', 'gitlab', 'examples/cases/gitlab-feature-failed-at-night.json', '--at', 'tonight'])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('--at must be an ISO time with a zone')
  })

  it('a failed GitLab pipeline after a green one: event, every rule, target, mentions and how they resolved, the message', async () => {
    const r = await capture(run, [EXAMPLE, '--source', 'gitlab', fx('gitlab/pipeline-failed-adapted.json'), '--previous', 'success'])
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    const head = r.out.split('\n  dev-group')[0]
    expect(head).toBe(`event       gitlab pipeline failed (finished), source status "failed"
project     gitlab-org/gitlab-test, branch master, #31, name "Pipeline for branch: master"
actor       Administrator (root, user_email@gitlab.com)
author      User (user@gitlab.com)
transition  broken; previous run success

rules
  jenkins-culprits         no: source: "gitlab" is not jenkins
  main-broken              matched
  fixed                    not reached: "main-broken" matched first and has no continue
  production-deploys       not reached: "main-broken" matched first and has no continue
  staging-deploy-failures  not reached: "main-broken" matched first and has no continue
  release-deploy-failures  not reached: "main-broken" matched first and has no continue
  release-tags             not reached: "main-broken" matched first and has no continue
  other-failures           not reached: "main-broken" matched first and has no continue (this rule would also match)

targets`)
    expect(r.out).toContain(`  dev-group (dingtalk, dry run: no webhook) from main-broken
    @ author → User (unresolved: only the commit email (people_match.commit_emails) matches 李四, and the file does not trust it; written by name, without @)
    @ actor → 王五 (by gitlab username)
    grouped: no, sent on its own
    reminder: every 4h while the pipeline stays broken and nothing newer arrives (rule "main-broken")
    message:
      {
        "msgtype": "markdown",`)
    expect(r.out).toContain('"atUserIds": [\n            "wangwu9012"\n          ]')
    // the actor as people knows them, not GitLab's display name
    expect(r.out).toContain('- 触发人：王五\\n')
  })

  it('says per target whether the delivery would be grouped (key by the rule\'s group_by, wait) and reminded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-'))
    writeFileSync(join(dir, 'rules.yaml'), `targets:
  dev-group: { type: dingtalk, webhook: "" }
  ops-group: { type: wecom, webhook: "" }
rules:
  - name: monorepo
    match: { status: failed }
    notify: [dev-group]
    group_by: [project, sha]
    group_wait: 1m30s
    remind_every: 4h
    continue: true
  - name: ops
    notify: [ops-group]
`)
    const r = await capture(run, [join(dir, 'rules.yaml'), '--source', 'gitlab', fx('gitlab/pipeline-failed-adapted.json')])
    expect(r.code).toBe(0)
    expect(r.out).toContain(`  dev-group (dingtalk, dry run: no webhook) from monorepo
    grouped: project=gitlab-org/gitlab-test, sha=bcbb5ec396a2c0f828686f14fac9b80b780504f2 (rule "monorepo"): held 1m30s, then sent in one message with every event that joined the group
    reminder: every 4h while the pipeline stays broken and nothing newer arrives (rule "monorepo")
`)
    expect(r.out).toContain(`  ops-group (wecom, dry run: no webhook) from ops
    grouped: no, sent on its own
    message`)
  })

  it('the first condition that failed, per rule, and unresolved mentions', async () => {
    const r = await capture(run, [EXAMPLE, '--source', 'github', fx('github/workflow_run-completed-failure-adapted.json')])
    expect(r.code).toBe(0)
    expect(r.out).toContain('  jenkins-culprits         no: source: "github" is not jenkins\n  main-broken              matched\n')
    expect(r.out).toContain('    @ author → Matthias Fax (unresolved: written by name, without @)\n    @ actor → 王五 (by github username)\n')
    expect(r.out).toContain('\nunresolved  Matthias Fax (not found in people by a trusted means: written by name, without @)\n')
    // GitHub sends the login only; people maps it to 王五, and the message says so as it does for GitLab
    expect(r.out).toContain('- 触发人：王五\\n')
    expect(r.out).not.toContain('\nflags\n')
  })

  it('a branch that is not one of the list says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-'))
    const payload = JSON.parse(readFileSync(fx('gitlab/pipeline-failed-adapted.json'), 'utf8'))
    payload.object_attributes.ref = 'feature/x'
    writeFileSync(join(dir, 'p.json'), JSON.stringify(payload))
    const r = await capture(run, [EXAMPLE, '--source', 'gitlab', join(dir, 'p.json')])
    expect(r.out).toContain('  main-broken              no: branch: "feature/x" is not one of main, master, release/*\n')
    expect(r.out).toContain('  other-failures           matched\n')
  })

  it('nothing matches: exit 0 and says nobody is notified', async () => {
    const r = await capture(run, [EXAMPLE, '--source', 'gitlab', fx('gitlab/pipeline-running-adapted.json')])
    expect(r.code).toBe(0)
    expect(r.out).toContain('transition  none (not finished)')
    expect(r.out).toContain('targets\n  (none: nobody is notified)\n')
  })

  it('a payload the adapter ignores, with headers given', async () => {
    expect(await capture(run, [EXAMPLE, '--source', 'jenkins', fx('jenkins/completed-success-wiki.json')])).toEqual({ code: 0, out: 'ignored: COMPLETED is followed by FINALIZED; notifying on FINALIZED only\n', err: '' })
    const r = await capture(run, [EXAMPLE, '--source', 'gitlab', fx('gitlab/deployment-failed-adapted.json'), '--header', 'X-Gitlab-Event: Deployment Hook'])
    expect(r.out).toContain('  staging-deploy-failures  matched\n')
  })

  it('flags a name several people share (with people_match.names)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-'))
    writeFileSync(
      join(dir, 'rules.yaml'),
      `targets: { dev: { type: dingtalk, webhook: "" } }
people_match: { names: true }
people:
  - { name: 张伟, gitlab: zhangwei1, dingtalk: dt-zw1 }
  - { name: 张伟, gitlab: zhangwei2, dingtalk: dt-zw2 }
rules:
  - { name: all, notify: [dev], mention: [actor] }
`,
    )
    const payload = JSON.parse(readFileSync(fx('gitlab/pipeline-failed-adapted.json'), 'utf8'))
    payload.user = { ...payload.user, name: '张伟', username: 'someone-else', email: '[REDACTED]' }
    writeFileSync(join(dir, 'p.json'), JSON.stringify(payload))
    const r = await capture(run, [join(dir, 'rules.yaml'), '--source', 'gitlab', join(dir, 'p.json')])
    expect(r.code).toBe(0)
    expect(r.out).toContain('\nflags\n  ! ambiguous: 2 people named 张伟 in people; written by name, without @\n')
    expect(r.out).toContain('    @ actor → 张伟 (unresolved: ambiguous: 2 people named 张伟; written by name, without @)\n')
    expect(r.out).not.toMatch(/dt-zw/)
  })

  it("flags a Jenkins event without build.full_url: its message has no link; says to set Jenkins' URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-'))
    const payload = JSON.parse(readFileSync(fx('jenkins/finalized-failure-adapted.json'), 'utf8'))
    delete payload.build.full_url
    writeFileSync(join(dir, 'p.json'), JSON.stringify(payload))
    const r = await capture(run, [EXAMPLE, '--source', 'jenkins', join(dir, 'p.json')])
    expect(r.out).toContain(
      "\nflags\n  ! no link: the event has no URL, so its messages have none; set Jenkins' URL in Manage Jenkins → System (Jenkins URL), then the Notification plugin sends build.full_url\n",
    )
    const withUrl = await capture(run, [EXAMPLE, '--source', 'jenkins', fx('jenkins/finalized-failure-adapted.json')])
    expect(withUrl.out).not.toContain('no link')
  })

  it('exit 1 for a broken rules file or payload, exit 2 for bad usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-'))
    writeFileSync(join(dir, 'bad.yaml'), 'targets: {}\nrules:\n  - { name: a, notify: [x] }\n')
    writeFileSync(join(dir, 'bad.json'), '{not json')
    const bad = await capture(run, [join(dir, 'bad.yaml'), '--source', 'gitlab', fx('gitlab/pipeline-failed-adapted.json')])
    expect(bad).toEqual({ code: 1, out: '', err: `${join(dir, 'bad.yaml')}:3:25: rules[0].notify[0]: unknown target "x"; targets are (none)\n` })
    const payload = await capture(run, [EXAMPLE, '--source', 'gitlab', join(dir, 'bad.json'), '--header', 'X-Gitlab-Event: Pipeline Hook'])
    expect(payload.code).toBe(1)
    expect(payload.err).toMatch(/^ci-notify test: .*bad\.json: /)
    expect((await capture(run, [EXAMPLE, fx('gitlab/pipeline-failed-adapted.json')])).code).toBe(2)
    expect((await capture(run, [EXAMPLE, '--source', 'svn', fx('gitlab/pipeline-failed-adapted.json')])).code).toBe(2)
    expect((await capture(run, [EXAMPLE, '--source', 'gitlab', '--previous', 'green', fx('gitlab/pipeline-failed-adapted.json')])).code).toBe(2)
  })
})

describe('ci-notify test --cases', () => {
  it('the example cases folder passes against rules.example.yaml', async () => {
    const r = await capture(run, [EXAMPLE, '--cases', 'examples/cases'])
    expect(r.err).toBe('')
    expect(r.out).toMatch(/\n15 cases: 15 ok, 0 failed\n$/)
    expect(r.code).toBe(0)
  })

  it('a difference exits 1 with a readable diff; --update rewrites the expectation, keeping comments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-cases-'))
    cpSync('examples/cases', dir, { recursive: true })
    const file = join(dir, 'jenkins-failed-culprits.expected.yaml')
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, original.replace('transition: still_failing', 'transition: broken').replace('王五 (by jenkins username)', '王五 (by email)'))

    const r = await capture(run, [EXAMPLE, '--cases', dir])
    expect(r.code).toBe(1)
    expect(r.out).toContain(`FAIL  jenkins-failed-culprits
      expected (-) and actual (+) differ:
      - transition: broken
      + transition: still_failing
        matched:
          - jenkins-culprits
        …
            all: false
            mentions:
      -       - culprits → 王五 (by email)
      +       - culprits → 王五 (by jenkins username)
`)
    expect(r.out).toMatch(/\n15 cases: 14 ok, 1 failed\n$/)

    const u = await capture(run, [EXAMPLE, '--cases', dir, '--update'])
    expect(u.code).toBe(0)
    expect(u.out).toContain('updated  jenkins-failed-culprits\n')
    expect(readFileSync(file, 'utf8')).toBe(original)
    expect((await capture(run, [EXAMPLE, '--cases', dir])).code).toBe(0)
  })

  it('a rules change shows up as a difference: the golden-file check ops put in their CI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-cases-'))
    writeFileSync(join(dir, 'rules.yaml'), readFileSync(EXAMPLE, 'utf8').replace('branch: [main, master, "release/*"]', 'branch: [main, "release/*"]'))
    const r = await capture(run, [join(dir, 'rules.yaml'), '--cases', 'examples/cases'])
    expect(r.code).toBe(1)
    expect(r.out).toContain('FAIL  gitlab-pipeline-broken\n')
    expect(r.out).toContain('      -   - main-broken\n      +   - other-failures\n')
  })

  it('a case without its payload, or with a bad expectation file, fails clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-cases-'))
    writeFileSync(join(dir, 'lost.expected.yaml'), 'source: gitlab\n')
    writeFileSync(join(dir, 'typo.expected.yaml'), 'sauce: gitlab\n')
    const r = await capture(run, [EXAMPLE, '--cases', dir])
    expect(r.code).toBe(1)
    expect(r.out).toContain(`FAIL  lost\n      ${join(dir, 'lost.expected.yaml')}: payload ${join(dir, 'lost.json')} not found\n`)
    expect(r.out).toContain(`FAIL  typo\n      ${join(dir, 'typo.expected.yaml')}: `)
    const empty = mkdtempSync(join(tmpdir(), 'ci-notify-cases-'))
    expect((await capture(run, [EXAMPLE, '--cases', empty])).code).toBe(1)
  })
})

describe('ci-notify test: what reaches the terminal (issue 16 item 14)', () => {
  it('shows control characters a payload carries as escapes: no title change, no clear-screen, no reordering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-notify-test-ctl-'))
    const payload = JSON.parse(readFileSync(fx('gitlab/pipeline-failed-adapted.json'), 'utf8'))
    payload.project.path_with_namespace = 'evil/\u001b]0;PWNED\u0007\u001b[2Jproj'
    payload.object_attributes.ref = 'main\u202etxt.exe'
    writeFileSync(join(dir, 'p.json'), JSON.stringify(payload))
    const r = await capture(run, [EXAMPLE, '--source', 'gitlab', join(dir, 'p.json')])
    expect(r.code).toBe(0)
    expect(r.out).not.toMatch(/[\u001b\u0007\u202e]/)
    expect(r.out).toContain('evil/\\x1b]0;PWNED\\x07\\x1b[2Jproj')
    expect(r.out).toContain('main\\u202etxt.exe')
  })
})
