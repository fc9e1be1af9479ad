/** The longest link we write: longer ones are shortened (below). Counted as sent, after percent-encoding. */
export const MAX_URL = 2048

/**
 * `url` (already made safe: ASCII, percent-encoded, so its length is its size in bytes) within `cap` characters: itself
 * when it fits, else its origin and the longest run of whole path segments that fits (the query and fragment go
 * first), at the least its origin and `/`, which may exceed `cap`: dropping a link is the caller's decision. A cut
 * between segments never splits a percent-escape, and the page it leads to is one the full link is under.
 */
export function shortUrl(url: string, cap: number): string {
  if (url.length <= cap) return url
  const u = new URL(url)
  let best = `${u.origin}/`
  let path = ''
  for (const seg of u.pathname.split('/').slice(1)) {
    path += `/${seg}`
    if (u.origin.length + path.length > cap) break
    if (seg !== '') best = u.origin + path
  }
  return best
}
