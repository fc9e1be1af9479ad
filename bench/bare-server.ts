import { serve } from '@hono/node-server'
import { Hono } from 'hono'

/**
 * The baseline: the least an HTTP receiver on the same stack can do with a webhook. It reads the body, parses the
 * JSON and answers 202, nothing else (no auth, no adapter, no store). Run as its own process, like ours, so each gets
 * the same treatment from the load generator and the kernel.
 */
const app = new Hono()
app.post('/webhooks/:source', async (c) => {
  const body = await c.req.text()
  JSON.parse(body)
  return c.json({ event_id: 'bare' }, 202)
})

const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on ${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
