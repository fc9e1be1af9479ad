import type { Locale } from '../locale.js'
import type { Words } from './i18n.js'

/** The only page shown without a session (with ADMIN_TOKEN set): it says nothing about the server. */
export function LoginPage(props: { t: Words; lang: Locale; error?: string }) {
  const { t } = props
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${t.login} · ${t.title}`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <main class="login">
          <h1>{t.title}</h1>
          {props.error && (
            <p class="error" role="alert">
              {props.error}
            </p>
          )}
          <form method="post" action="/console/login">
            <label>
              {t.token}
              <input type="password" name="token" autocomplete="current-password" required autofocus />
            </label>
            <p class="muted">{t.loginHelp}</p>
            <button type="submit">{t.login}</button>
          </form>
          <p class="lang">
            <a href="?lang=zh-CN">中文</a> · <a href="?lang=en">EN</a>
          </p>
        </main>
      </body>
    </html>
  )
}
