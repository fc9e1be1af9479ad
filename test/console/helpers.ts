import type { Hono } from 'hono'

/** A browser's cookie jar for app.request(): keeps what Set-Cookie sets, sends it back. */
export class Jar {
  private cookies = new Map<string, string>()
  /** The raw Set-Cookie lines of the last answer that had any. */
  lastSetCookie: string[] = []

  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}
  }

  take(res: Response): Response {
    const set = res.headers.getSetCookie()
    if (set.length) this.lastSetCookie = set
    for (const line of set) {
      const [pair] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }
}

/** GET and form POSTs as a browser makes them, with the jar's cookies. */
export function browserLike(app: Hono, jar = new Jar()) {
  return {
    jar,
    get: async (path: string) => jar.take(await app.request(path, { headers: jar.header() })),
    post: async (path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
      const body = new URLSearchParams()
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x)
      return jar.take(await app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header(), ...headers } }))
    },
  }
}

/** The CSRF token of the page's first form. */
export const csrfOf = (html: string): string => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m) throw new Error('no CSRF field on the page')
  return m[1]
}
