/** The peer's address as the socket has it, from a Hono context's `env` (@hono/node-server passes the Node request as
 * `incoming`); none in tests that call app.request(). Never a header: X-Forwarded-For is whatever the sender wrote. */
export function clientAddress(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress
}
