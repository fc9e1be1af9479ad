import { adapters, SOURCES, type Source } from '../../adapters/index.js'
import { afterEach, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'

import { createApp } from '../../src/http/server.js'

import { testDeps, type TestDeps } from '../helpers/deps.js'
import { SECRETS, fixture, forgejoReq, giteaReq, giteaSignature, githubReq, githubSignature, gitlabReq, jenkinsReq, validReq, type Req } from './requests.js'

let deps: TestDeps
let app: Hono
async function setup(o: Parameters<typeof testDeps>[0] = { settings: { secrets: { ...SECRETS } } }) {
  deps = await testDeps(o)
  app = createApp(deps)
}
afterEach(async () => {
  await deps?.close()
})

const send = async (r: Req) => {
  const res = await app.request(r.path, r.init)
  const text = await res.text()
  return { status: res.status, text, json: JSON.parse(text) }
}
const stored = () => deps.store.listEvents(100)
const metric = async (name: string, labels: Record<string, string>) => {
  const m = (await deps.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name)
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0
}
const logLines = () => deps.logs.map((l) => JSON.parse(l))
function expectNoSecret(...texts: string[]) {
  const all = texts.join('\n') + deps.logs.join('\n')
  for (const s of Object.values(SECRETS)) expect(all).not.toContain(s)
}

describe('POST /webhooks/:source accepted', () => {
  it.each(SOURCES)('%s: 202 with the event id, stored before the answer, one log line, counted', async (source) => {
    await setup()
    let woken = 0
    deps.wake = () => woken++
    app = createApp(deps)
    const r = await send(validReq[source]())
    expect(r.status).toBe(202)
    expect(r.json.event_id).toMatch(/^evt_/)
    const s = await deps.store.getEvent(r.json.event_id)
    expect(s?.event).toMatchObject({ id: r.json.event_id, source, finished: true, status: 'failed' })
    expect(woken).toBe(1)
    const line = logLines().find((l) => l.outcome === 'accepted')
    expect(line).toMatchObject({ source, event_id: r.json.event_id, status: 'failed', project: s?.event.project.path })
    expect(await metric('ci_notify_events_received_total', { source, status: 'failed' })).toBe(1)
    expectNoSecret(r.text)
  })

  it.each(SOURCES)('%s: with no secret configured, an unauthenticated post is accepted', async (source) => {
    await setup({ settings: { secrets: {} } })
    const req = validReq[source]()
    for (const h of ['x-gitlab-token', 'x-hub-signature-256', 'x-gitea-signature', 'x-forgejo-signature']) delete req.init.headers[h]
    req.path = req.path.replace(/\?.*$/, '')
    expect((await send(req)).status).toBe(202)
  })

  it.each(SOURCES)('%s: the event keeps the headers that say what the webhook was, and GET /api/events/:id shows them; never a credential', async (source) => {
    await setup()
    const req = validReq[source]()
    Object.assign(req.init.headers, { 'user-agent': `${source}-hookshot/1.0`, cookie: 'session=c00k1e', 'x-forwarded-for': '10.1.2.3' })
    const r = await send(req)
    expect(r.status).toBe(202)
    const adapter = adapters[source]
    const declared = ['content-type', 'user-agent', adapter.event?.header, ...adapter.deliveryHeaders].filter((h): h is string => !!h && h in req.init.headers)
    const api = await app.request(`/api/events/${r.json.event_id}`)
    const { request } = await api.json()
    expect(Object.keys(request.headers).sort()).toEqual(declared.sort())
    for (const h of declared) expect(request.headers[h]).toBe(req.init.headers[h])
    const text = JSON.stringify(request)
    expect(text).not.toMatch(/signature|token|c00k1e|10\.1\.2\.3/i)
    expectNoSecret(text)
  })

  it('routes the event and stores one pending delivery per target', async () => {
    await setup({ settings: { secrets: { ...SECRETS } } })
    const r = await send(gitlabReq())
    const s = await deps.store.getEvent(r.json.event_id)
    expect(s?.routing.targets.map((t) => t.target)).toEqual(s?.deliveries.map((d) => d.target))
    expect(s?.deliveries.every((d) => d.status === 'pending')).toBe(true)
  })

  it('github: reads a form-encoded hook (JSON in `payload`), signature over the raw form body', async () => {
    await setup()
    const json = fixture('github', 'workflow_run-completed-failure-adapted.json')
    const body = 'payload=' + encodeURIComponent(json)
    const req = githubReq({ body })
    req.init.headers['content-type'] = 'application/x-www-form-urlencoded'
    const r = await send(req)
    expect(r.status).toBe(202)
    expect((await deps.store.getEvent(r.json.event_id))?.event).toMatchObject({ source: 'github', status: 'failed' })
  })

  it('jenkins: reads the XML format', async () => {
    await setup()
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><job><name>asgard</name><url>job/asgard/</url><build>' +
      '<fullUrl>http://localhost:8080/job/asgard/18/</fullUrl><number>18</number><phase>FINALIZED</phase>' +
      '<status>FAILURE</status><url>job/asgard/18/</url></build></job>'
    const req = jenkinsReq({ body })
    req.init.headers['content-type'] = 'application/xml;charset=UTF-8'
    const r = await send(req)
    expect(r.status).toBe(202)
    expect((await deps.store.getEvent(r.json.event_id))?.event).toMatchObject({ source: 'jenkins', number: 18, status: 'failed' })
  })

  it('reads a body without Content-Type as JSON', async () => {
    await setup()
    const req = gitlabReq()
    delete req.init.headers['content-type']
    // As bytes: a string body would get fetch's default text/plain.
    req.init.body = new TextEncoder().encode(req.init.body as string)
    expect((await send(req)).status).toBe(202)
  })
})

describe('transitions through the accept path', () => {
  // The pipeline's previous state must reach the rules: a decide that ignored it would call every run "first".
  it('success, failed, success of one pipeline are routed first, broken, fixed; a rule on broken sees only the second', async () => {
    await setup({
      settings: { secrets: { ...SECRETS } },
      rulesYaml: `
targets:
  ops: { type: dingtalk, webhook: "" }
rules:
  - name: broken
    match: { transition: broken }
    notify: [ops]
    continue: true
  - name: all
    notify: [ops]
`,
    })
    const run = (id: number, status: string) => {
      const body = JSON.parse(fixture('gitlab', 'pipeline-failed-adapted.json')) as { object_attributes: Record<string, unknown> }
      body.object_attributes.id = id
      body.object_attributes.status = status
      body.object_attributes.finished_at = `2026-12-01 10:0${id % 10}:00 UTC`
      return gitlabReq({ body: JSON.stringify(body) })
    }
    const routed: unknown[] = []
    for (const [id, status] of [[101, 'success'], [102, 'failed'], [103, 'success']] as const) {
      const r = await send(run(id, status))
      expect(r.status).toBe(202)
      const stored = await deps.store.getEvent(r.json.event_id)
      routed.push([stored?.routing.transition, stored?.routing.matched])
    }
    expect(routed).toEqual([
      ['first', ['all']],
      ['broken', ['broken', 'all']],
      ['fixed', ['all']],
    ])
  })
})

describe('secrets', () => {
  // What the 401 says: which header or parameter, missing or wrong, and the setting; never the value.
  const MISSING = { gitlab: /^missing X-Gitlab-Token header: .*GITLAB_WEBHOOK_TOKEN/, jenkins: /^missing token: add the query parameter token=.*user:token@/, github: /^missing X-Hub-Signature-256 header: .*GITHUB_WEBHOOK_SECRET/, gitea: /^missing X-Gitea-Signature header: .*GITEA_WEBHOOK_SECRET/, forgejo: /^missing X-Forgejo-Signature header: .*FORGEJO_WEBHOOK_SECRET/ }
  const WRONG = { gitlab: /^wrong X-Gitlab-Token: .*GITLAB_WEBHOOK_TOKEN/, jenkins: /^wrong token \(the token query parameter or the Basic credentials\): .*JENKINS_WEBHOOK_TOKEN/, github: /^X-Hub-Signature-256 does not match the body signed with GITHUB_WEBHOOK_SECRET/, gitea: /^X-Gitea-Signature does not match the body signed with GITEA_WEBHOOK_SECRET/, forgejo: /^X-Forgejo-Signature does not match the body signed with FORGEJO_WEBHOOK_SECRET/ }
  const cases: Record<Source, Record<string, [() => Req, 'missing' | 'wrong']>> = {
    gitlab: {
      wrong: [() => gitlabReq({ token: SECRETS.gitlab.replace(/.$/, 'X') }), 'wrong'],
      missing: [() => gitlabReq({ token: null }), 'missing'],
      'wrong length': [() => gitlabReq({ token: SECRETS.gitlab + 'x' }), 'wrong'],
      'a prefix': [() => gitlabReq({ token: SECRETS.gitlab.slice(0, 4) }), 'wrong'],
    },
    jenkins: {
      wrong: [() => jenkinsReq({ token: SECRETS.jenkins.replace(/.$/, 'X') }), 'wrong'],
      missing: [() => jenkinsReq({ token: null }), 'missing'],
      'wrong length': [() => jenkinsReq({ token: SECRETS.jenkins.slice(0, -1) }), 'wrong'],
      'wrong Basic password': [() => jenkinsReq({ token: null, basic: 'jenkins:nope' }), 'wrong'],
    },
    github: {
      wrong: [() => githubReq({ secret: 'another-secret' }), 'wrong'],
      missing: [() => githubReq({ signature: null }), 'missing'],
      'wrong length': [() => githubReq({ signature: githubSignature(fixture('github', 'workflow_run-completed-failure-adapted.json'), SECRETS.github).slice(0, -2) }), 'wrong'],
      'signature of another body': [() => githubReq({ signature: githubSignature('{}', SECRETS.github) }), 'wrong'],
      'sha1 only': [
        () => {
          const r = githubReq({ signature: null })
          r.init.headers['x-hub-signature'] = 'sha1=0000000000000000000000000000000000000000'
          return r
        },
        'missing',
      ],
    },
    gitea: {
      wrong: [() => giteaReq({ secret: 'another-secret' }), 'wrong'],
      missing: [() => giteaReq({ signature: null }), 'missing'],
      'wrong length': [() => giteaReq({ signature: giteaSignature(fixture('gitea', 'workflow_run-completed-failure.json'), SECRETS.gitea).slice(0, -2) }), 'wrong'],
      'signature of another body': [() => giteaReq({ signature: giteaSignature('{}', SECRETS.gitea) }), 'wrong'],
      // Gitea sends both; the GitHub-style copy alone is not what this endpoint reads.
      'X-Hub-Signature-256 only': [
        () => {
          const r = giteaReq({ signature: null })
          r.init.headers['x-hub-signature-256'] = `sha256=${giteaSignature(String(r.init.body), SECRETS.gitea)}`
          return r
        },
        'missing',
      ],
    },
    forgejo: {
      wrong: [() => forgejoReq({ secret: 'another-secret' }), 'wrong'],
      missing: [() => forgejoReq({ signature: null }), 'missing'],
      'wrong length': [() => forgejoReq({ signature: giteaSignature(fixture('forgejo', 'action_run_failure.json'), SECRETS.forgejo).slice(0, -2) }), 'wrong'],
      'signature of another body': [() => forgejoReq({ signature: giteaSignature('{}', SECRETS.forgejo) }), 'wrong'],
      // Forgejo also sends X-Gitea-Signature: the Forgejo one is read, and a Gitea secret does not open this endpoint.
      'signed with the Gitea secret': [() => forgejoReq({ secret: SECRETS.gitea }), 'wrong'],
    },
  }
  for (const source of SOURCES) {
    for (const [name, [make, why]] of Object.entries(cases[source])) {
      it(`${source}: ${name} secret → 401 saying it is ${why}, nothing stored, secret not echoed or logged`, async () => {
        await setup()
        const r = await send(make())
        expect(r.status).toBe(401)
        expect(r.json.error).toMatch((why === 'missing' ? MISSING : WRONG)[source])
        expect(await stored()).toEqual([])
        expect(await metric('ci_notify_requests_rejected_total', { source, reason: 'auth' })).toBe(1)
        expect(logLines().find((l) => l.outcome === 'rejected')).toMatchObject({ source, reason: 'auth', error: r.json.error })
        expectNoSecret(r.text)
      })
    }
  }

  it('jenkins: the token as HTTP Basic password (URL userinfo) is accepted', async () => {
    await setup()
    expect((await send(jenkinsReq({ token: null, basic: `jenkins:${SECRETS.jenkins}` }))).status).toBe(202)
    expectNoSecret()
  })

  it('checks the secret before parsing: garbage with a wrong secret is 401, not 400', async () => {
    await setup()
    expect((await send(gitlabReq({ token: 'nope', body: '{not json' }))).status).toBe(401)
    expect((await send(githubReq({ secret: 'nope', body: '{not json' }))).status).toBe(401)
  })
})

describe('ignored and duplicates', () => {
  it.each([
    ['gitlab push hook', () => gitlabReq({ event: 'Push Hook', body: '{"object_kind":"push"}' })],
    ['github ping', () => githubReq({ event: 'ping', body: '{"zen":"Keep it logically awesome.","hook_id":1}' })],
    ['jenkins COMPLETED (FINALIZED is the one that counts)', () => jenkinsReq({ body: fixture('jenkins', 'completed-success-wiki.json') })],
    ['gitea push', () => giteaReq({ event: 'push', body: '{"ref":"refs/heads/main"}' })],
    ['gitea workflow_run action in an unknown future', () => giteaReq({ body: fixture('gitea', 'workflow_run-completed-failure.json').replace('"action": "completed"', '"action": "deleted"') })],
    ['forgejo workflow_job (only Action Run events are translated)', () => forgejoReq({ event: 'workflow_job', body: '{"action":"completed"}' })],
  ])('%s → 200 ignored, nothing stored', async (_name, make) => {
    await setup()
    const r = await send(make())
    expect(r.status).toBe(200)
    expect(typeof r.json.ignored).toBe('string')
    expect(await stored()).toEqual([])
    expect(logLines().find((l) => l.outcome === 'ignored')).toBeDefined()
  })

  it.each([
    ['gitlab, same Idempotency-Key', () => gitlabReq({ key: 'a5461c4d-9c7f-4af9-add6-cddebe3c426f' })],
    ['github, same X-GitHub-Delivery', () => githubReq({ delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958' })],
    ['jenkins, same job, build and phase', () => jenkinsReq()],
    ['gitea, same X-Gitea-Delivery', () => giteaReq({ delivery: '0d4c6d1e-2b8f-4b8a-9a51-3f6f0c2d7e10' })],
    ['forgejo, same X-Forgejo-Delivery', () => forgejoReq({ delivery: '5b1f3a9c-7e2d-4c60-8f14-a2b3c4d5e6f7' })],
  ])('%s twice → one event; the second answer is 200 duplicate with the first id', async (_name, make) => {
    await setup()
    const first = await send(make())
    const second = await send(make())
    expect(first.status).toBe(202)
    expect(second.status).toBe(200)
    expect(second.json).toEqual({ duplicate: true, event_id: first.json.event_id })
    expect((await stored()).map((s) => s.event.id)).toEqual([first.json.event_id])
    expect(logLines().find((l) => l.outcome === 'duplicate')).toMatchObject({ event_id: first.json.event_id })
  })
})

describe('a UTF-8 BOM before the JSON (issue 16 item 15)', () => {
  it.each(SOURCES)('%s: accepted (a GitHub signature covers the BOM, as sent)', async (source) => {
    await setup()
    const plain = validReq[source]()
    const body = '\uFEFF' + String(plain.init.body)
    const withBody: Record<Source, (body: string) => Req> = {
      gitlab: (body) => gitlabReq({ body }),
      jenkins: (body) => jenkinsReq({ body }),
      github: (body) => githubReq({ body }),
      gitea: (body) => giteaReq({ body }),
      forgejo: (body) => forgejoReq({ body }),
    }
    const req = withBody[source](body)
    const r = await send(req)
    expect(r.status).toBe(202)
    expect((await deps.store.getEvent(r.json.event_id))?.event).toMatchObject({ source, status: 'failed' })
  })
})

describe('jenkins: the result is part of the dedupe key (issue 16 item 9)', () => {
  const finalized = (result: string) => {
    const b = JSON.parse(fixture('jenkins', 'finalized-failure-adapted.json'))
    b.build.status = result
    return JSON.stringify(b)
  }

  it('a FINALIZED/SUCCESS posted first does not make the real FINALIZED/FAILURE of the same build a duplicate', async () => {
    await setup()
    const fake = await send(jenkinsReq({ body: finalized('SUCCESS') }))
    const real = await send(jenkinsReq({ body: finalized('FAILURE') }))
    expect(fake.status).toBe(202)
    expect(real.status).toBe(202)
    expect(real.json.duplicate).toBeUndefined()
    expect(real.json.event_id).not.toBe(fake.json.event_id)
    expect((await deps.store.getEvent(real.json.event_id))?.event).toMatchObject({ number: 18, status: 'failed' })
  })

  it('the same FINALIZED body twice is still a duplicate', async () => {
    await setup()
    const first = await send(jenkinsReq({ body: finalized('FAILURE') }))
    const again = await send(jenkinsReq({ body: finalized('FAILURE') }))
    expect(first.status).toBe(202)
    expect(again.status).toBe(200)
    expect(again.json).toEqual({ duplicate: true, event_id: first.json.event_id })
  })
})

describe('rejections', () => {
  it.each([
    ['gitlab', () => gitlabReq({ body: '{"object_kind": "pipeline",' }), /JSON/i],
    ['jenkins', () => jenkinsReq({ body: 'not json at all' }), /JSON/i],
    ['github', () => githubReq({ body: '[1,2' }), /JSON/i],
    ['gitlab without X-Gitlab-Event', () => {
      const r = gitlabReq()
      delete r.init.headers['x-gitlab-event']
      return r
    }, /X-Gitlab-Event/i],
  ])('%s: malformed → 400 naming the problem, nothing stored', async (_name, make, message) => {
    await setup()
    const r = await send(make())
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(message)
    expect(await stored()).toEqual([])
  })

  it('1e309 (parses to Infinity) → 400 "number out of range", naming the field', async () => {
    await setup()
    const body = fixture('gitlab', 'pipeline-failed-adapted.json').replace('"id": 31,', '"id": 1e309,')
    expect(body).toContain('1e309')
    const r = await send(gitlabReq({ body }))
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(/object_attributes\.id: number out of range/)
    expect(r.json.error).not.toMatch(/expected a number/)
  })

  it('invalid UTF-8 → 400', async () => {
    await setup({ settings: { secrets: {} } })
    const r = await app.request('/webhooks/gitlab', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook' },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    })
    expect(r.status).toBe(400)
    expect((await r.json()).error).toMatch(/UTF-8/)
  })

  it.each([
    ['gitlab', 'text/plain'],
    ['gitlab', 'application/xml'],
    ['gitlab', 'application/x-www-form-urlencoded'],
    ['github', 'multipart/form-data; boundary=x'],
    ['jenkins', 'application/json; charset=ISO-8859-1'],
  ] as const)('%s with Content-Type %s → 415', async (source, type) => {
    await setup()
    const req = validReq[source]()
    req.init.headers['content-type'] = type
    const r = await send(req)
    expect(r.status).toBe(415)
    expect(r.json.error).toContain(type.split(";")[0])
    expect(r.json.error).toMatch(source === "jenkins" ? /send application\/json or application\/xml or text\/xml/ : /send application\/json/)
    expect(await metric('ci_notify_requests_rejected_total', { source, reason: 'unsupported_media' })).toBe(1)
  })

  it.each([
    ['jenkins', 'application/xml;charset=UTF-8'],
    ['jenkins', 'text/xml'],
    ['github', 'application/x-www-form-urlencoded'],
    ['gitlab', 'application/vnd.gitlab+json'],
  ] as const)('%s with Content-Type %s is read (not 415)', async (source, type) => {
    await setup({ settings: { secrets: {} } })
    const r = await app.request(`/webhooks/${source}`, { method: 'POST', headers: { 'content-type': type }, body: 'x' })
    expect(r.status).not.toBe(415)
    expect(r.status).toBeLessThan(500)
  })

  it('503 when the store cannot take the event; the CI retries later', async () => {
    await setup()
    await deps.store.close()
    const r = await send(gitlabReq())
    expect(r.status).toBe(503)
    expect(r.json.error).toMatch(/store/)
    expect(await metric('ci_notify_requests_rejected_total', { source: 'gitlab', reason: 'unavailable' })).toBe(1)
  })

  it('unknown source → 404; GET or PUT on a webhook → 405 saying to use POST', async () => {
    await setup()
    const r = await app.request('/webhooks/bitbucket', { method: 'POST', body: '{}' })
    expect(r.status).toBe(404)
    expect((await r.json()).error).toMatch(/gitlab, jenkins, github/)
    expect((await app.request('/webhooks/bitbucket')).status).toBe(404)
    for (const method of ['GET', 'PUT']) {
      const get = await app.request('/webhooks/gitlab', { method })
      expect(get.status).toBe(405)
      expect(get.headers.get('allow')).toBe('POST')
      expect((await get.json()).error).toMatch(/^use POST/)
    }
  })
})
