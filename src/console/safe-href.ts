/** A link only when the URL is http(s): a `javascript:` or `data:` URL from a payload must never become a link. */
export function safeHref(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined
}
