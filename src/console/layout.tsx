import type { Child } from 'hono/jsx'
import type { View } from './view.js'

const NAV = [
  ['events', '/console/events'],
  ['deliveries', '/console/deliveries'],
  ['silences', '/console/silences'],
  ['targets', '/console/targets'],
  ['rules', '/console/rules'],
  ['playground', '/console/playground'],
] as const

/** The frame of every page: status header, navigation, language switch, open-console banner, messages. */
export function Layout(props: { v: View; title: string; children?: Child }) {
  const { v } = props
  const h = v.header
  return (
    <html lang={v.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${v.t.title}`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/console/events">
            ci-notify
          </a>
          <nav>
            {NAV.map(([key, href]) => (
              <a href={href} aria-current={v.path.startsWith(href) ? 'page' : undefined}>
                {v.t[key]}
              </a>
            ))}
          </nav>
          <div class="status" id="status">
            <span>
              {v.t.version} <b>{h.version}</b>
            </span>
            <span>
              {v.t.store} <b>{h.store}</b>
            </span>
            <span>
              {v.t.dryRun} <b>{h.dryRun ? v.t.on : v.t.off}</b>
            </span>
            <span class={h.workerAlive ? '' : 'bad'}>
              {v.t.worker} <b>{h.workerAlive ? v.t.workerOk : v.t.workerDown}</b>
            </span>
            <span class="lang">
              <a href={`?lang=zh-CN`}>中文</a> · <a href={`?lang=en`}>EN</a>
            </span>
            {v.guarded && (
              <form class="inline" method="post" action="/console/logout">
                <input type="hidden" name="_csrf" value={v.csrf} />
                <button class="plain" type="submit">
                  {v.t.logout}
                </button>
              </form>
            )}
          </div>
        </header>
        {!v.guarded && (
          <p class="banner" role="alert" id="open-warning">
            {v.t.openWarning}
          </p>
        )}
        <main>
          {v.flash && (
            <p class="flash" role="status">
              {v.flash}
            </p>
          )}
          {v.error && (
            <p class="error" role="alert">
              {v.error}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
  )
}

/** A hidden CSRF field: inside every form that posts. */
export const Csrf = (props: { v: View }) => <input type="hidden" name="_csrf" value={props.v.csrf} />

/** A status, transition or delivery state as a coloured badge. */
export const Badge = (props: { cls: string; text: string }) => <span class={`badge ${props.cls}`}>{props.text}</span>
