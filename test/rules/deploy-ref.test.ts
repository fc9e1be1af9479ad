import { describe, expect, it } from 'vitest'
import { toEvent } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import { explain } from '../../rules/explain.js'
import { route } from '../../rules/route.js'
import type { CommonEvent } from '../../src/event.js'
import { renderers } from '../../src/platforms/index.js'
import * as f from '../render/events.js'
import { edited, req } from '../adapters/request.js'
import { makeEvent } from './make-event.js'
import { rulesWith } from './rules-yaml.js'

/** A failed production deployment as GitLab's Deployment Hook sends it, with `ref` (and no word on branch or tag). */
function gitlabDeploy(ref: string): CommonEvent {
  const body = edited('gitlab/deployment-failed-adapted.json', (b) => {
    b.environment = 'production'
    b.ref = ref
  })
  const e = toEvent('gitlab', req(body, { 'x-gitlab-event': 'Deployment Hook' }), { id: 'evt_1', now: new Date('2026-01-01T00:00:00Z') })
  if (isIgnored(e)) throw new Error('ignored')
  return e
}

/** A failed GitHub deployment_status whose deployment.ref is `ref` (GitHub does not say branch, tag or SHA either). */
function githubDeploy(ref: string): CommonEvent {
  const body = edited('github/deployment_status-created-success.json', (b) => {
    b.deployment_status.state = 'failure'
    b.deployment.ref = ref
  })
  const e = toEvent('github', req(body, { 'x-github-event': 'deployment_status', 'x-github-delivery': 'd-1' }), {
    id: 'evt_1',
    now: new Date('2026-01-01T00:00:00Z'),
  })
  if (isIgnored(e)) throw new Error('ignored')
  return e
}

const hits = (match: string, e: CommonEvent) =>
  route(e, rulesWith(`  - { name: r, match: ${match}, notify: [dev] }\n`), undefined).routing.matched.includes('r')

describe('a deployment ref routes like a branch (issue 16 item 6)', () => {
  it.each([
    ['gitlab', () => gitlabDeploy('release/2.3')],
    ['github', () => githubDeploy('release/5.0')],
  ])('%s: the deploy carries a ref and no branch, yet `branch: "release/*"` matches it', (_source, make) => {
    const e = make()
    expect(e.branch).toBeUndefined()
    expect(e.tag).toBeUndefined()
    expect(hits('{ branch: "release/*", status: failed }', e)).toBe(true)
    expect(hits('{ ref: "release/*" }', e)).toBe(true)
    expect(hits('{ branch: "!release/*" }', e)).toBe(false)
    // nobody said it is a tag
    expect(hits('{ tag: "release/*" }', e)).toBe(false)
  })

  it('a deployment of a commit SHA (GitHub allows it) has no branch; `ref:` still matches it', () => {
    const e = githubDeploy('f95f852bd8fca8fcc58a9a2d6c842781e32a215e')
    expect(hits('{ branch: "**" }', e)).toBe(false)
    expect(hits('{ ref: "/^f95f852b/" }', e)).toBe(true)
    const { verdicts } = explain(e, rulesWith('  - { name: r, match: { branch: "**" }, notify: [dev] }\n'), undefined)
    expect(verdicts).toEqual([{ rule: 'r', result: 'no', reason: 'branch: the event has no branch' }])
  })

  it('a deploy the source says is of a tag is no branch', () => {
    const e = makeEvent({ kind: 'deploy', ref: 'v2.3.0', branch: undefined, tag: 'v2.3.0', deployment: { ref: 'v2.3.0' } })
    expect(hits('{ branch: "**" }', e)).toBe(false)
    expect(hits('{ tag: "v*" }', e)).toBe(true)
    expect(hits('{ ref: "v*" }', e)).toBe(true)
  })

  it('pipelines and builds are unchanged: their ref is a branch or a tag as the source says; `ref:` matches either', () => {
    const tagged = makeEvent({ ref: 'v1.0.0', branch: undefined, tag: 'v1.0.0' })
    expect(hits('{ branch: "**" }', tagged)).toBe(false)
    expect(hits('{ ref: "v1.*" }', tagged)).toBe(true)
    expect(hits('{ ref: main }', makeEvent())).toBe(true)
    // a pipeline with a bare ref (none today) is not taken for a branch: only deployments are
    expect(hits('{ branch: main }', makeEvent({ branch: undefined }))).toBe(false)
  })
})

describe('the message labels the ref as the event knows it', () => {
  const body = (e: CommonEvent, locale: 'zh-CN' | 'en' = 'zh-CN') => {
    const [m] = renderers.dingtalk.render(f.input(e, { locale })) as { markdown: { text: string } }[]
    return m.markdown.text
  }

  it.each([
    ['gitlab', () => gitlabDeploy('release/2.3'), 'release/2.3'],
    ['github', () => githubDeploy('release/5.0'), 'release/5.0'],
  ])('%s deploy: 引用 / Ref, not 分支', (_source, make, ref) => {
    expect(body(make())).toContain(`- 引用：${ref}`)
    expect(body(make())).not.toContain('分支')
    expect(body(make(), 'en')).toContain(`- Ref: ${ref}`)
  })

  it('a branch is 分支, a tag 标签', () => {
    expect(body(makeEvent())).toContain('- 分支：main')
    expect(body(makeEvent({ ref: 'v1.0.0', branch: undefined, tag: 'v1.0.0' }))).toContain('- 标签：v1.0.0')
  })
})
