import type { AppDeps } from '../app/deps.js'
import { scrubber } from '../app/status.js'
import type { ConsoleApp } from './view.js'
import { Layout } from './layout.js'
import { when } from './view.js'

/**
 * `/console/rules`: the running rules, read-only (they live in Git; the console never edits them): the file, when it
 * was loaded, the last reload's result with its file:line errors, `check`'s warnings, and the text, secrets hidden.
 */
export function rulesPage(app: ConsoleApp, deps: AppDeps): void {
  app.get('/rules', (c) => {
    const v = c.get('view')
    const st = deps.rules.status()
    const scrub = scrubber(deps)
    const text = deps.rules.text
    return c.html(
      <Layout v={v} title={v.t.rules}>
        <h1>{v.t.rules}</h1>
        <section>
          <dl class="fields">
            <dt>{v.t.file}</dt>
            <dd id="rules-file">{st.file}</dd>
            <dt>{v.t.loadedAt}</dt>
            <dd>{when(st.loadedAt, v.timezone)}</dd>
            <dt>{v.t.lastReload}</dt>
            <dd id="last-reload">
              {when(st.lastReload.at, v.timezone)} · {st.lastReload.ok ? v.t.ok : v.t.failed}
              {st.lastReload.error && <pre class="error">{scrub(st.lastReload.error)}</pre>}
            </dd>
          </dl>
        </section>
        {deps.rules.current.warnings.length > 0 && (
          <section>
            <h2>{v.t.warnings}</h2>
            <ul>
              {deps.rules.current.warnings.map((w) => (
                <li>{scrub(w)}</li>
              ))}
            </ul>
          </section>
        )}
        <section>
          <h2>{v.t.rulesText}</h2>
          <pre id="rules-text">{text === undefined ? v.t.noFile : scrub(text)}</pre>
        </section>
      </Layout>,
    )
  })
}
