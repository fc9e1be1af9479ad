import type { AppDeps } from '../app/deps.js'
import { status } from '../app/status.js'
import { deliveryView } from '../app/delivery-view.js'
import { platformOf } from '../platforms/index.js'
import type { ConsoleApp } from './view.js'
import { Layout } from './layout.js'
import { when } from './view.js'

/** How many of the newest deliveries are read for each target's last error. */
const RECENT = 500

/** `/console/targets`: each robot as /api/status sees it (src/http/status.ts), plus its last error. */
export function targetPages(app: ConsoleApp, deps: AppDeps): void {
  app.get('/targets', async (c) => {
    const v = c.get('view')
    const s = await status(deps)
    const lastError = new Map<string, string>()
    // Newest first: the first error met per target is its last one (already scrubbed of URL credentials).
    for (const d of (await deps.store.listDeliveries({ limit: RECENT })).map(deliveryView)) {
      if (d.last_errmsg && !lastError.has(d.target)) lastError.set(d.target, `${when(d.created_at, v.timezone)} · ${d.last_errcode ?? ''} ${d.last_errmsg}`)
    }
    return c.html(
      <Layout v={v} title={v.t.targets}>
        <h1>{v.t.targets}</h1>
        <div class="scroll">
          <table id="targets">
            <thead>
              <tr>
                <th>{v.t.target}</th>
                <th>{v.t.type}</th>
                <th>{v.t.budget}</th>
                <th>{v.t.rateLimited}</th>
                <th>{v.t.queued}</th>
                <th>{v.t.lastError}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(s.targets).map(([name, t]) => (
                <tr data-target={name}>
                  <td>{name}</td>
                  <td>
                    {platformOf(t.type).label}
                    {t.dry_run ? ` · ${v.t.dryRun}` : ''}
                  </td>
                  <td>{t.budget_left === undefined ? `? / ${t.rate_per_minute}` : `${t.budget_left} / ${t.rate_per_minute}`}</td>
                  <td>{t.rate_limited_until ? when(t.rate_limited_until, v.timezone) : '-'}</td>
                  <td>{t.waiting}</td>
                  <td>{lastError.get(name) ?? '-'}</td>
                  <td>
                    <a href={`/console/targets/${encodeURIComponent(name)}/retry-dead`}>{v.t.retryAllDead}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    )
  })
}
