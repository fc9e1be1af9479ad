/**
 * The one HTTP client of the admin API the CLI commands share (`deliveries`, `silences`): the server's base URL from
 * `--url`, $CI_NOTIFY_URL or localhost:$PORT, the admin token from $ADMIN_TOKEN (never printed), and one call that
 * prints the server's error (or why it is unreachable) and returns undefined on failure.
 */
export function serverBase(url: string | undefined): string {
  return (url ?? process.env.CI_NOTIFY_URL ?? `http://localhost:${process.env.PORT ?? 8080}`).replace(/\/+$/, '')
}

export async function adminCall(command: string, method: string, url: string, body?: unknown): Promise<unknown> {
  const token = process.env.ADMIN_TOKEN
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
  } catch (err) {
    const why = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)
    process.stderr.write(`ci-notify ${command}: cannot reach the server at ${new URL(url).origin} (${why}); is it running? (--url)\n`)
    return undefined
  }
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = { error: text.slice(0, 200) } // not the API: show what came back
  }
  if (!res.ok) {
    process.stderr.write(`ci-notify ${command}: ${res.status}: ${(parsed as { error?: string }).error ?? text.slice(0, 200)}\n`)
    return undefined
  }
  return parsed
}
