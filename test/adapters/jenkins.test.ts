import { describe, expect, it } from 'vitest'
import { jenkins } from '../../adapters/jenkins/index.js'
import { jenkinsXmlToJson } from '../../adapters/jenkins/xml.js'
import { isIgnored } from '../../adapters/common/types.js'
import type { ParsedEvent } from '../../src/event.js'
import { PayloadError } from '../../src/errors.js'
import { edited, fixture, req, sample } from './request.js'

function parse(body: string, headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' }): ParsedEvent {
  const r = jenkins.parse(req(body, headers))
  if (isIgnored(r)) throw new Error(`unexpectedly ignored: ${r.ignored}`)
  return r
}
const XML = { 'content-type': 'application/xml;charset=UTF-8' }

describe('jenkins notification plugin (JSON)', () => {
  it('maps FINALIZED/FAILURE field by field', () => {
    const e = parse(fixture('jenkins/finalized-failure-adapted.json'))
    expect(e).toMatchObject({
      source: 'jenkins',
      kind: 'pipeline',
      status: 'failed',
      source_status: 'FINALIZED/FAILURE',
      finished: true,
      project: { name: 'asgard', path: 'asgard', url: 'http://localhost:8080/job/asgard/' },
      ref: 'master',
      branch: 'master',
      sha: 'c6d86dc654b12425e706bcf951adfe5a8627a517',
      number: 18,
      name: 'asgard',
      url: 'http://localhost:8080/job/asgard/18/',
      delivery_id: 'http://localhost:8080/job/asgard/18/#18#FINALIZED/FAILURE',
    })
    expect(e.culprits).toBeUndefined()
  })

  it('maps STARTED to running (the plugin omits status until there is a result)', () => {
    expect(parse(fixture('jenkins/started-adapted.json'))).toMatchObject({
      status: 'running',
      source_status: 'STARTED',
      finished: false,
      delivery_id: 'http://localhost:8080/job/asgard/18/#18#STARTED',
    })
  })

  it('ignores COMPLETED: FINALIZED follows with the same result', () => {
    expect(jenkins.parse(req(fixture('jenkins/completed-success-wiki.json')))).toEqual({
      ignored: 'COMPLETED is followed by FINALIZED; notifying on FINALIZED only',
    })
  })

  it.each([
    ['SUCCESS', 'success'], ['UNSTABLE', 'unstable'], ['FAILURE', 'failed'], ['ABORTED', 'canceled'], ['NOT_BUILT', 'skipped'],
  ])('maps FINALIZED/%s → %s', (result, status) => {
    const body = edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.status = result))
    expect(parse(body)).toMatchObject({ status, finished: true, source_status: `FINALIZED/${result}` })
  })

  it('maps QUEUED to queued and tolerates unknown phases and results (not finished, kept verbatim)', () => {
    const queued = edited('jenkins/started-adapted.json', (b) => (b.build.phase = 'QUEUED'))
    expect(parse(queued)).toMatchObject({ status: 'queued', finished: false, delivery_id: 'http://localhost:8080/job/asgard/18/#18#QUEUED' })
    const odd = edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.status = 'EXPLODED'))
    expect(parse(odd)).toMatchObject({ status: 'running', finished: false, source_status: 'FINALIZED/EXPLODED' })
    const manual = edited('jenkins/started-adapted.json', (b) => (b.build.phase = 'DEPLOYED'))
    expect(parse(manual)).toMatchObject({ status: 'running', finished: false, source_status: 'DEPLOYED' })
  })

  it('keeps the same job and build number on two controllers apart (absolute build URL), relative url without one', () => {
    const other = edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.full_url = 'http://jenkins-b:8080/job/asgard/18/'))
    const a = parse(fixture('jenkins/finalized-failure-adapted.json'))
    expect(parse(other).delivery_id).not.toBe(a.delivery_id)
    const bare = edited('jenkins/finalized-failure-adapted.json', (b) => delete b.build.full_url)
    expect(parse(bare).delivery_id).toBe('job/asgard/#18#FINALIZED/FAILURE')
  })

  it('reads folder paths, display names, culprits, epoch-ms times and ms durations (current plugin)', () => {
    const body = JSON.stringify({
      name: 'main',
      display_name: 'main',
      url: 'job/team/job/app%20one/job/main/',
      build: {
        full_url: 'https://ci.example.com/job/team/job/app%20one/job/main/7/',
        number: 7,
        queue_id: 99,
        timestamp: 1700000123456,
        duration: 61500,
        phase: 'FINALIZED',
        status: 'SUCCESS',
        url: 'job/team/job/app%20one/job/main/7/',
        scm: { branch: 'refs/remotes/origin/feature/x', commit: 'abc123', changes: [], culprits: ['alice', 'bob'] },
        log: '',
        artifacts: {},
      },
    })
    expect(parse(body)).toMatchObject({
      project: { name: 'main', path: 'team/app one/main', url: 'https://ci.example.com/job/team/job/app%20one/job/main/' },
      branch: 'feature/x',
      culprits: ['alice', 'bob'],
      finished_at: '2023-11-14T22:15:23.456Z',
      duration_s: 61.5,
    })
    const started = parse(body.replace('"FINALIZED"', '"STARTED"').replace('"status":"SUCCESS",', ''))
    expect(started).toMatchObject({ started_at: '2023-11-14T22:15:23.456Z', finished: false })
    expect(started.finished_at).toBeUndefined()
    expect(started.duration_s).toBeUndefined()
  })

  it.each([
    ['{', 'body is not valid JSON'],
    ['"FINALIZED"', 'body: expected an object, got string'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => delete b.build), 'build: missing'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => delete b.build.phase), 'build.phase: missing'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.number = '18')), 'build.number: expected a number, got string'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => delete b.url), 'url: missing'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.scm.culprits = [1])), 'build.scm.culprits[0]: expected a string, got number'],
    [edited('jenkins/finalized-failure-adapted.json', (b) => (b.build.timestamp = 'soon')), 'build.timestamp: expected a time'],
  ])('bad payload %# → PayloadError naming the field', (body, message) => {
    const run = () => jenkins.parse(req(body, { 'content-type': 'application/json' }))
    expect(run).toThrow(PayloadError)
    expect(run).toThrow(message)
  })
})

describe('jenkins notification plugin (XML, XStream)', () => {
  it('converts XStream XML to the JSON shape: snake_case, lists, maps, numbers', () => {
    expect(jenkinsXmlToJson(sample('jenkins-finalized-unstable.xml'))).toEqual({
      name: 'backend',
      display_name: 'Backend API',
      url: 'job/platform/job/backend/',
      build: {
        full_url: 'https://ci.example.com/job/platform/job/backend/42/',
        number: 42,
        queue_id: 1187,
        timestamp: 1700000123456,
        duration: 95000,
        phase: 'FINALIZED',
        status: 'UNSTABLE',
        url: 'job/platform/job/backend/42/',
        display_name: '#42',
        scm: {
          url: 'https://git.example.com/platform/backend.git',
          branch: 'origin/release/2.4',
          commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          changes: ['src/main/java/Api.java'],
          culprits: ['alice', 'bob'],
        },
        parameters: { DEPLOY_ENV: 'staging' },
        notes: 'nightly & release <2.4>',
        test_summary: { total: 120, failed: 2, passed: 118, skipped: 0, failed_tests: ['com.example.ApiTest.testTimeout'] },
        artifacts: { 'backend.jar': { archive: 'https://ci.example.com/job/platform/job/backend/42/artifact/target/backend.jar' } },
      },
    })
  })

  it('normalizes the XML format like the JSON one', () => {
    expect(parse(sample('jenkins-finalized-unstable.xml'), XML)).toMatchObject({
      source: 'jenkins',
      kind: 'pipeline',
      status: 'unstable',
      source_status: 'FINALIZED/UNSTABLE',
      finished: true,
      project: { name: 'Backend API', path: 'platform/backend', url: 'https://ci.example.com/job/platform/job/backend/' },
      branch: 'release/2.4',
      sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
      culprits: ['alice', 'bob'],
      number: 42,
      url: 'https://ci.example.com/job/platform/job/backend/42/',
      finished_at: '2023-11-14T22:15:23.456Z',
      duration_s: 95,
      delivery_id: 'https://ci.example.com/job/platform/job/backend/42/#42#FINALIZED/UNSTABLE',
    })
  })

  it('detects XML by its first character when the content type says nothing', () => {
    expect(parse(sample('jenkins-finalized-unstable.xml'), {})).toMatchObject({ number: 42 })
  })

  it('reads a single culprit and an empty culprits element, and keeps a numeric-looking branch a string', () => {
    const one = sample('jenkins-finalized-unstable.xml').replace('<string>bob</string>', '').replace('origin/release/2.4', '2024')
    expect(parse(one, XML)).toMatchObject({ culprits: ['alice'], branch: '2024' })
    const none = sample('jenkins-finalized-unstable.xml').replace(/<culprits>[\s\S]*<\/culprits>/, '<culprits/>')
    expect(parse(none, XML).culprits).toBeUndefined()
  })

  it.each([
    ['<job><name>x</name>', 'body is not valid XML'],
    ['<project><name>x</name></project>', 'XML body: expected a <job> root element'],
    ['<job><name>x</name><url>job/x/</url></job>', 'build: missing'],
    ['<job><url>job/x/</url><build><number>x1</number><phase>STARTED</phase></build></job>', 'build.number: expected a number, got string'],
  ])('bad XML %# → PayloadError', (body, message) => {
    const run = () => jenkins.parse(req(body, XML))
    expect(run).toThrow(PayloadError)
    expect(run).toThrow(message)
  })

  it('does not let element names reach the prototype', () => {
    const body = '<job><url>job/x/</url><__proto__><polluted>yes</polluted></__proto__><build><number>1</number><phase>STARTED</phase></build></job>'
    expect(() => jenkins.parse(req(body, XML))).toThrow(PayloadError)
    const snake = body.replace(/__proto__/g, 'constructorName')
    expect(parse(snake, XML)).toMatchObject({ number: 1 })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('jenkins verify', () => {
  const secret = 'jk-t0ken'
  const body = fixture('jenkins/finalized-failure-adapted.json')
  const basic = (userinfo: string) => ({ authorization: `Basic ${Buffer.from(userinfo).toString('base64')}` })

  it('accepts the token as ?token=, as the Basic password, or as the Basic username when the password is empty', () => {
    expect(jenkins.verify(req(body, {}, `token=${secret}`), secret)).toBe(true)
    expect(jenkins.verify(req(body, basic(`ci:${secret}`)), secret)).toBe(true)
    expect(jenkins.verify(req(body, basic(`${secret}:`)), secret)).toBe(true)
    expect(jenkins.verify(req(body, basic(secret)), secret)).toBe(true)
  })

  it('refuses wrong, missing and wrong-length tokens', () => {
    expect(jenkins.verify(req(body), secret)).toBe(false)
    expect(jenkins.verify(req(body, {}, 'token=jk-t0keN'), secret)).toBe(false)
    expect(jenkins.verify(req(body, {}, `token=${secret}0`), secret)).toBe(false)
    expect(jenkins.verify(req(body, {}, 'token='), secret)).toBe(false)
    expect(jenkins.verify(req(body, basic(`ci:${secret.slice(1)}`)), secret)).toBe(false)
    expect(jenkins.verify(req(body, basic(`${secret}:wrong`)), secret)).toBe(false)
    expect(jenkins.verify(req(body, { authorization: 'Bearer jk-t0ken' }), secret)).toBe(false)
  })
})
