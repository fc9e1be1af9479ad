import { describe, expect, it } from 'vitest'
import { route } from '../../rules/route.js'
import { compilePattern, globToRE2 } from '../../rules/glob.js'
import type { CommonEvent } from '../../src/event.js'
import { makeEvent } from './make-event.js'
import { rulesWith } from './rules-yaml.js'

/** Whether a single rule with this `match` flow mapping matches the event. */
const hits = (match: string, e: Partial<CommonEvent>, prev?: Parameters<typeof route>[2]) =>
  route(makeEvent(e), rulesWith(`  - { name: r, match: ${match}, notify: [dev] }\n`), prev).routing.matched.includes('r')

describe('glob', () => {
  it.each([
    ['release/*', 'release/1.2', true],
    ['release/*', 'release/1/hotfix', false],
    ['release/**', 'release/1/hotfix', true],
    ['release/**', 'release', true],
    ['**/app', 'a/b/app', true],
    ['**/app', 'app', true],
    ['a/**/z', 'a/z', true],
    ['a/**/z', 'a/b/c/z', true],
    ['v?.0', 'v1.0', true],
    ['v?.0', 'v10.0', false],
    ['a.b', 'axb', false],
    ['feat-(x)', 'feat-(x)', true],
  ])('%s vs %s → %s', (glob, value, want) => {
    expect(globToRE2(glob).test(value)).toBe(want)
  })
})

describe('patterns against hostile values', () => {
  it('never feeds a value longer than any real ref to a pattern (a backtracking regex cannot hang the receiver)', () => {
    const evil = compilePattern('/^(a+)+$/')
    expect(evil.test('aaaa')).toBe(true)
    // Without the bound this takes longer than the universe has left; with it, it is simply no match.
    expect(evil.test('a'.repeat(5000) + 'b')).toBe(false)
    expect(compilePattern('feature/**').test('feature/' + 'x'.repeat(2000))).toBe(false)
  })
})

describe('match operators', () => {
  it('a rule without match matches every event', () => {
    const r = rulesWith('  - { name: all, notify: [dev] }\n')
    expect(route(makeEvent({ status: 'running', finished: false }), r, undefined).routing.matched).toEqual(['all'])
  })

  it('source, kind and status: scalar or any of a list', () => {
    expect(hits('{ source: gitlab }', {})).toBe(true)
    expect(hits('{ source: [jenkins, github] }', {})).toBe(false)
    expect(hits('{ kind: [pipeline, build] }', { kind: 'build' })).toBe(true)
    expect(hits('{ kind: deploy }', { kind: 'build' })).toBe(false)
    expect(hits('{ status: [success, failed] }', { status: 'failed' })).toBe(true)
    expect(hits('{ status: success }', { status: 'unstable' })).toBe(false)
  })

  it('branch: glob within a segment, list is any-of', () => {
    const m = '{ branch: [main, "release/*"] }'
    expect(hits(m, { branch: 'main' })).toBe(true)
    expect(hits(m, { branch: 'release/2.0' })).toBe(true)
    expect(hits(m, { branch: 'release/2.0/rc' })).toBe(false)
    expect(hits(m, { branch: 'feature/x' })).toBe(false)
  })

  it('a missing field never matches, not even a negation', () => {
    expect(hits('{ branch: "*" }', { branch: undefined, tag: 'v1' })).toBe(false)
    expect(hits('{ branch: "!main" }', { branch: undefined, tag: 'v1' })).toBe(false)
    expect(hits('{ tag: "v*" }', { branch: undefined, tag: 'v1' })).toBe(true)
  })

  it('project: ** across segments, ! excludes, mixed lists include then exclude', () => {
    expect(hits('{ project: "group/**" }', { project: { name: 'x', path: 'group/sub/x' } })).toBe(true)
    expect(hits('{ project: "group/*" }', { project: { name: 'x', path: 'group/sub/x' } })).toBe(false)
    expect(hits('{ project: "!sandbox/**" }', { project: { name: 'x', path: 'sandbox/a/x' } })).toBe(false)
    expect(hits('{ project: "!sandbox/**" }', { project: { name: 'x', path: 'group/x' } })).toBe(true)
    const m = '{ project: ["group/**", "!group/tmp/**"] }'
    expect(hits(m, { project: { name: 'x', path: 'group/app' } })).toBe(true)
    expect(hits(m, { project: { name: 'x', path: 'group/tmp/app' } })).toBe(false)
    expect(hits('{ project: ["!a/**", "!b/**"] }', { project: { name: 'x', path: 'b/x' } })).toBe(false)
  })

  it('/regex/ is a regular expression (unanchored, flags allowed), negatable', () => {
    expect(hits('{ tag: "/^v\\\\d+\\\\.\\\\d+$/" }', { branch: undefined, tag: 'v1.22' })).toBe(true)
    expect(hits('{ tag: "/^v\\\\d+$/" }', { branch: undefined, tag: 'v1.22' })).toBe(false)
    expect(hits('{ name: "/DEPLOY/i" }', { name: 'nightly-deploy-job' })).toBe(true)
    expect(hits('{ name: "!/deploy/" }', { name: 'nightly-deploy-job' })).toBe(false)
  })

  it('environment reads the event environment, or the deployment one', () => {
    expect(hits('{ environment: production }', { kind: 'deploy', environment: 'production' })).toBe(true)
    expect(hits('{ environment: "prod*" }', { kind: 'deploy', deployment: { environment: 'production' } })).toBe(true)
    expect(hits('{ environment: production }', { kind: 'deploy', environment: 'staging' })).toBe(false)
  })

  it('name and actor (the username, or an e-mail the source vouches for; never a display name)', () => {
    expect(hits('{ name: "build-*" }', { name: 'build-linux' })).toBe(true)
    expect(hits('{ actor: root }', {})).toBe(true)
    expect(hits('{ actor: "*@example.com" }', {})).toBe(true)
    // Anyone may call themselves "Administrator", or put any e-mail in a GitHub commit: neither identifies the actor.
    expect(hits('{ actor: Administrator }', {})).toBe(false)
    expect(hits('{ actor: renovate-bot }', { actor: { username: 'mallory', name: 'renovate-bot' } })).toBe(false)
    expect(hits('{ actor: "*@example.com" }', { source: 'github', actor: { username: 'mallory', email: 'x@example.com' } })).toBe(false)
    expect(hits('{ actor: "!/bot/" }', { actor: { username: 'renovate-bot' } })).toBe(false)
    expect(hits('{ actor: someone }', { actor: undefined })).toBe(false)
  })

  it('finished', () => {
    expect(hits('{ finished: true }', {})).toBe(true)
    expect(hits('{ finished: false }', { status: 'running', finished: false })).toBe(true)
    expect(hits('{ finished: true }', { status: 'running', finished: false })).toBe(false)
  })

  it('transition, and never on an event that is not finished', () => {
    expect(hits('{ transition: broken }', {}, { status: 'success', event_id: 'p', number: 99 })).toBe(true)
    expect(hits('{ transition: [fixed, first] }', { status: 'success' })).toBe(true)
    expect(hits('{ transition: first }', { status: 'running', finished: false })).toBe(false)
    expect(hits('{ transition: broken }', { status: 'failed' }, { status: 'failed', event_id: 'p', number: 99 })).toBe(false)
  })

  it('all keys must hold', () => {
    const m = '{ kind: pipeline, status: failed, branch: main }'
    expect(hits(m, {})).toBe(true)
    expect(hits(m, { branch: 'dev' })).toBe(false)
    expect(hits(m, { status: 'success' })).toBe(false)
  })
})
