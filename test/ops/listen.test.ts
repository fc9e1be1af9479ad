import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { listen, ListenError } from '../../src/serve/listen.js'
import { defaultSettings } from '../../src/settings/settings.js'

describe('listen', () => {
  it('rejects with a ListenError naming host:port and the way out when the port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    const port = (taken.address() as AddressInfo).port
    try {
      const err = await listen(() => new Response('x'), defaultSettings({ host: '127.0.0.1', port })).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(ListenError)
      expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${port} (EADDRINUSE): another process is listening there: stop it, or set PORT (--port) to a free port`)
    } finally {
      taken.close()
    }
  })

  it('says what to do about a privileged port, an IPv6 host in brackets', () => {
    const err = new ListenError('::', 80, Object.assign(new Error('listen EACCES'), { code: 'EACCES' }))
    expect(err.message).toBe('cannot listen on [::]:80 (EACCES): no permission to listen there: ports below 1024 need root or CAP_NET_BIND_SERVICE; set PORT (--port) to 1024 or above')
  })
})
