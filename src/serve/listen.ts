import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Settings } from '../settings/settings.js'

/**
 * The HTTP server on HOST:PORT. Rejects with a ListenError when the address cannot be had (in use, no permission,
 * not an address of this machine): the server must then exit, never run on listening nowhere.
 */
export function listen(fetch: (req: Request) => Response | Promise<Response>, s: Settings): Promise<Server> {
  return new Promise((resolve, reject) => {
    // A client that trickles its headers or body (slow loris) is cut off (408) instead of holding a socket for
    // minutes: CI systems send a webhook in one go, well within REQUEST_TIMEOUT. Node enforces both timeouts on a
    // periodic connection check, so the check runs often enough for the setting to mean what it says.
    const check = Math.min(30_000, Math.max(250, Math.floor(s.requestTimeoutMs / 4)))
    const serverOptions = { connectionsCheckingInterval: check, requestTimeout: s.requestTimeoutMs, headersTimeout: Math.min(10_000, Math.ceil(s.requestTimeoutMs / 3)) }
    const server = serve({ fetch, port: s.port, hostname: s.host, serverOptions }, () => {
      server.off('error', failed)
      resolve(server as Server)
    }) as Server
    const failed = (err: NodeJS.ErrnoException) => {
      server.close()
      reject(new ListenError(s.host, s.port, err))
    }
    server.once('error', failed)
  })
}

const WHY: Record<string, string> = {
  EADDRINUSE: 'another process is listening there: stop it, or set PORT (--port) to a free port',
  EACCES: 'no permission to listen there: ports below 1024 need root or CAP_NET_BIND_SERVICE; set PORT (--port) to 1024 or above',
  EADDRNOTAVAIL: 'that is not an address of this machine: set HOST (--host), e.g. 0.0.0.0 for every interface',
}

/** Why HOST:PORT could not be listened on, and what to change. */
export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
    super(`cannot listen on ${where} (${cause.code ?? cause.message}): ${WHY[cause.code ?? ''] ?? cause.message}`, { cause })
    this.name = 'ListenError'
  }
}
