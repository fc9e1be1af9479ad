import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { testDeps, type TestDeps } from '../helpers/deps.js'

const LIMIT = 4096
let deps: TestDeps
afterEach(async () => {
  await deps?.close()
})

/** An endless body in 512-byte chunks that counts how many bytes the server pulled. */
function endless() {
  const seen = { bytes: 0 }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.bytes += 512
      controller.enqueue(new Uint8Array(512).fill(0x20))
    },
  })
  return { stream, seen }
}

async function post(headers: Record<string, string>, body: BodyInit) {
  deps = await testDeps({ settings: { bodyLimit: LIMIT } })
  const app = createApp(deps)
  const req = new Request('http://x/webhooks/gitlab', { method: 'POST', headers: { 'x-gitlab-event': 'Pipeline Hook', ...headers }, body, duplex: 'half' } as RequestInit)
  return app.request(req)
}

describe('body limit (413)', () => {
  it('refuses a Content-Length over the limit without reading the body', async () => {
    const { stream, seen } = endless()
    const res = await post({ 'content-type': 'application/json', 'content-length': String(LIMIT + 1) }, stream)
    expect(res.status).toBe(413)
    expect((await res.json()).error).toBe(`request body exceeds the limit of ${LIMIT} bytes (BODY_LIMIT)`)
    // ReadableStream pulls once to fill its queue when constructed; nothing beyond that was read.
    expect(seen.bytes).toBeLessThanOrEqual(512)
  })

  it('stops reading a body without Content-Length as soon as it passes the limit', async () => {
    const { stream, seen } = endless()
    const res = await post({ 'content-type': 'application/json' }, stream)
    expect(res.status).toBe(413)
    // Read up to the first chunk past the limit, plus what the stream had queued.
    expect(seen.bytes).toBeLessThanOrEqual(LIMIT + 2 * 512)
    expect(await deps.store.listEvents(10)).toEqual([])
    const m = (await deps.metrics.registry.getMetricsAsJSON()).find((x) => x.name === 'ci_notify_requests_rejected_total')
    expect(m?.values.find((v) => v.labels.reason === 'too_large')?.value).toBe(1)
  })

  it('takes a body of exactly the limit (then judges its content)', async () => {
    const body = ' '.repeat(LIMIT - 2) + '{}'
    const res = await post({ 'content-type': 'application/json' }, body)
    expect(res.status).not.toBe(413)
    expect(res.status).toBeLessThan(500)
  })

  it('a declared size over the limit is refused before the secret is looked at; neither reads the body', async () => {
    deps = await testDeps({ settings: { bodyLimit: LIMIT, secrets: { gitlab: 'gl-token-3f9a1c77' } } })
    const app = createApp(deps)
    const send = (headers: Record<string, string>, body: ReadableStream) =>
      app.request(new Request('http://x/webhooks/gitlab', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit))
    const declared = endless()
    expect((await send({ 'content-length': String(LIMIT + 1) }, declared.stream)).status).toBe(413)
    // The token travels in a header: a request without it is answered before a byte of its body is read, whatever its
    // size (ReadableStream pulls once when constructed; nothing beyond that).
    const chunked = endless()
    const res = await send({}, chunked.stream)
    expect(res.status).toBe(401)
    expect((await res.json()).error).toMatch(/^missing X-Gitlab-Token header/)
    expect(declared.seen.bytes).toBeLessThanOrEqual(512)
    expect(chunked.seen.bytes).toBeLessThanOrEqual(512)
  })
})
