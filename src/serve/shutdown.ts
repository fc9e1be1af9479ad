import type { Server } from 'node:http'
import { flushLogs, type Logger } from '../log.js'

type Closable = { name: string; close: () => Promise<void> | void }

/**
 * SIGTERM / SIGINT: stop accepting connections, let the requests in flight answer (idle keep-alive sockets are closed
 * at once, busy ones after their response), then close the rest in order (worker with its bounded wait, then store).
 * Exits 0 when everything closed, 1 when a step failed. A second signal exits at once.
 */
export function onShutdown(o: { server: Server; log: Logger; steps: Closable[]; requestGraceMs?: number; exit?: (code: number) => void }): void {
  const exit = o.exit ?? ((code: number) => process.exit(code))
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      o.log.warn({ signal }, 'second signal: exiting now')
      exit(1)
      return
    }
    stopping = true
    o.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight and the send in progress')
    void shutdown(o).then(async (code) => {
      await flushLogs(o.log)
      exit(code)
    })
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}

async function shutdown(o: { server: Server; log: Logger; steps: Closable[]; requestGraceMs?: number }): Promise<number> {
  let code = 0
  await new Promise<void>((resolve) => {
    // Requests still running after the grace period are cut; the CI retries them (nothing was answered 202).
    const grace = setTimeout(() => {
      o.log.warn('requests still in flight after the grace period: closing their connections')
      o.server.closeAllConnections()
    }, o.requestGraceMs ?? 10_000)
    // A keep-alive socket turns idle once its response is sent; close those as they appear.
    const sweep = setInterval(() => o.server.closeIdleConnections(), 100)
    o.server.close(() => {
      clearTimeout(grace)
      clearInterval(sweep)
      resolve()
    })
    o.server.closeIdleConnections()
  })
  o.log.info({ steps: o.steps.map((s) => s.name) }, 'http server closed; stopping the rest')
  for (const step of o.steps) {
    try {
      await step.close()
    } catch (err) {
      code = 1
      o.log.error({ err, step: step.name }, 'shutdown step failed')
    }
  }
  o.log.info({ exitCode: code }, 'stopped')
  return code
}
