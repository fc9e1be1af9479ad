import { serve } from '@hono/node-server'
import { durableBaseline } from './bare-durable.js'

/** The durable baseline (bench/bare-durable.ts) as its own process, its database in DATA_DIR. */
const dataDir = process.env.DATA_DIR
if (!dataDir) throw new Error('DATA_DIR must name the folder for the database')
const { app, close } = durableBaseline(dataDir)
const port = Number(process.env.PORT ?? 0)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on ${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => close().then(() => process.exit(0))))
