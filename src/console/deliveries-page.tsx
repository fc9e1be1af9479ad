import type { AppDeps } from '../app/deps.js'
import { parseDeliveryId, retryDead, retryDeadFor, RETRY_ALL_LIMIT } from '../app/retry.js'
import { parseDeliveryStatus } from '../app/delivery-view.js'
import { DELIVERY_STATUSES } from '../store/types.js'
import { fill } from './i18n.js'
import type { ConsoleApp } from './view.js'
import { Csrf, Layout } from './layout.js'
import type { View } from './view.js'
import { DeliveryTable } from './events-page.js'

const LISTED = 200

/**
 * `/console/deliveries?status=…` and Retry: one dead letter, or every dead letter of a target; each asks first (a GET
 * shows what will be sent, its form POSTs) and runs the admin API's code (src/app/retry.ts).
 */
export function deliveryPages(app: ConsoleApp, deps: AppDeps): void {
  app.get('/deliveries', async (c) => {
    const v = c.get('view')
    const status = parseDeliveryStatus(c.req.query('status') || 'dead') ?? 'dead'
    const rows = await deps.store.listDeliveries({ status, limit: LISTED })
    const flash = flashOf(v, c.req.query())
    const deadTargets = status === 'dead' ? [...new Set(rows.map((d) => d.target))] : []
    return c.html(
      <Layout v={{ ...v, flash }} title={v.t.deliveries}>
        <h1>{v.t.deliveries}</h1>
        <nav class="filters">
          {DELIVERY_STATUSES.map((s) => (
            <a href={`/console/deliveries?status=${s}`} aria-current={s === status ? 'page' : undefined} class={`badge st-${s}`}>
              {s}
            </a>
          ))}
        </nav>
        {deadTargets.length > 0 && (
          <p>
            {deadTargets.map((t) => (
              <a href={`/console/targets/${encodeURIComponent(t)}/retry-dead`} class="badge" data-retry-all={t}>
                {v.t.retryAllDead}: {t}
              </a>
            ))}
          </p>
        )}
        {rows.length ? <DeliveryTable v={v} rows={rows} /> : <p>{v.t.noDeliveries}</p>}
      </Layout>,
    )
  })

  app.get('/deliveries/:id/retry', async (c) => {
    const v = c.get('view')
    const id = parseDeliveryId(c.req.param('id'))
    const d = await deps.store.getDelivery(id)
    if (!d) return c.html(<Layout v={{ ...v, error: `no delivery with id ${id}` }} title="404" />, 404)
    return c.html(
      <Confirm v={v} question={fill(v.t.confirmRetry, { id, target: d.target })} action={`/console/deliveries/${id}/retry`} back={`/console/events/${encodeURIComponent(d.event_id)}`} />,
    )
  })
  app.post('/deliveries/:id/retry', async (c) => {
    const id = parseDeliveryId(c.req.param('id'))
    await retryDead(deps, id)
    return c.redirect(`/console/deliveries?status=pending&done=retried&id=${id}`, 303)
  })

  app.get('/targets/:name/retry-dead', async (c) => {
    const v = c.get('view')
    const target = c.req.param('name')
    const n = (await deps.store.listDeliveries({ status: 'dead', limit: RETRY_ALL_LIMIT })).filter((d) => d.target === target).length
    return c.html(<Confirm v={v} question={fill(v.t.confirmRetryAll, { target, n })} action={`/console/targets/${encodeURIComponent(target)}/retry-dead`} back="/console/deliveries?status=dead" />)
  })
  app.post('/targets/:name/retry-dead', async (c) => {
    const target = c.req.param('name')
    const n = await retryDeadFor(deps, target)
    return c.redirect(`/console/deliveries?status=pending&done=retried_all&n=${n}&target=${encodeURIComponent(target)}`, 303)
  })
}

/** The note after a redirect, from fixed words: only numbers and a target name are taken from the query. */
function flashOf(v: View, q: Record<string, string>): string | undefined {
  if (q.done === 'retried' && /^\d+$/.test(q.id ?? '')) return fill(v.t.retried, { id: q.id })
  if (q.done === 'retried_all' && /^\d+$/.test(q.n ?? '')) return fill(v.t.retriedAll, { n: q.n, target: (q.target ?? '').slice(0, 100) })
  return undefined
}

/** "Are you sure?": what will happen, a button that does it (with the CSRF token), and a way back. */
export function Confirm(props: { v: View; question: string; action: string; back: string }) {
  const { v } = props
  return (
    <Layout v={v} title={v.t.confirm}>
      <section>
        <p id="confirm-question">{props.question}</p>
        <form method="post" action={props.action}>
          <Csrf v={v} />
          <button type="submit" id="confirm">
            {v.t.confirm}
          </button>{' '}
          <a href={props.back}>{v.t.cancel}</a>
        </form>
      </section>
    </Layout>
  )
}
