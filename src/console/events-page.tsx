import { verdicts, type Verdict } from '../../rules/explain.js'
import { mentionLine } from '../../rules/mention-line.js'
import type { AppDeps } from '../app/deps.js'
import { previewTargets } from '../app/preview.js'
import { KINDS, STATUSES, type CommonEvent } from '../event.js'
import { deliveryView } from '../app/delivery-view.js'
import type { StoredEvent } from '../store/types.js'
import { matchesFilter, parseFilter, SINCE, sourceChoices, TRANSITIONS, type EventFilter } from './event-filter.js'
import type { ConsoleApp } from './view.js'
import { Layout } from './layout.js'
import { when, type View } from './view.js'
import { MaybeLink, Previews, SourceMark, StatusBadge, TransitionBadge } from './widgets.js'

/** How many of the newest events the list reads to filter; it shows at most SHOWN of them. */
const SCAN = 1000
const SHOWN = 100

/** `/console/events` (filters, live rows) and `/console/events/:id` (the event, its routing and its messages). */
export function eventPages(app: ConsoleApp, deps: AppDeps): void {
  app.get('/events', async (c) => {
    const v = c.get('view')
    const sources = sourceChoices(deps.rules.current.sources)
    const filter = parseFilter(c.req.query(), sources)
    const now = deps.now?.() ?? Date.now()
    const rows = (await deps.store.listEvents(SCAN)).filter((s) => matchesFilter(s, filter, now)).slice(0, SHOWN)
    if (c.req.query('fragment') === '1') return c.html(<EventRows v={v} rows={rows} />)
    return c.html(
      <Layout v={v} title={v.t.events}>
        <h1>{v.t.events}</h1>
        <Filters v={v} f={filter} sources={sources} />
        <p class="muted">{v.t.live}</p>
        <div class="scroll">
          <table class="cards">
            <thead>
              <tr>
                <th>{v.t.time}</th>
                <th>{v.t.source}</th>
                <th>
                  {v.t.project} / {v.t.branch}
                </th>
                <th>{v.t.kind}</th>
                <th>{v.t.status}</th>
                <th>{v.t.transition}</th>
                <th>{v.t.targets}</th>
              </tr>
            </thead>
            <tbody id="events" data-poll="3000">
              <EventRows v={v} rows={rows} />
            </tbody>
          </table>
        </div>
      </Layout>,
    )
  })

  app.get('/events/:id', async (c) => {
    const v = c.get('view')
    const stored = await deps.store.getEvent(c.req.param('id'))
    if (!stored) return c.html(<Layout v={{ ...v, error: `no event with id "${c.req.param('id').slice(0, 100)}"` }} title="404" />, 404)
    const rules = deps.rules.current
    const { event, routing, request } = stored
    return c.html(
      <Layout v={v} title={`${v.t.event} ${event.id}`}>
        <h1>
          {event.project.path} · {event.kind} <StatusBadge status={event.status} /> <TransitionBadge transition={routing.transition} />
        </h1>
        <p>
          <a href={`/console/silences/new?event=${encodeURIComponent(event.id)}`} id="mute-like">
            {v.t.muteLike}
          </a>
        </p>
        <div class="two">
          <section>
            <h2>{v.t.fields}</h2>
            <Fields v={v} e={event} />
          </section>
          <section>
            <h2>{v.t.headers}</h2>
            <dl class="fields" id="request-headers">
              <dt>delivery id</dt>
              <dd>{event.delivery_id}</dd>
              <dt>source status</dt>
              <dd>{event.source_status}</dd>
              <dt>received</dt>
              <dd>{when(event.received_at, v.timezone)}</dd>
              {Object.entries(request?.headers ?? {}).map(([name, value]) => (
                <>
                  <dt>{name}</dt>
                  <dd>{value}</dd>
                </>
              ))}
            </dl>
            {!request && <p class="muted">{v.t.noHeaders}</p>}
            <h2>{v.t.storedRouting}</h2>
            <dl class="fields">
              <dt>{v.t.transition}</dt>
              <dd>{routing.transition ?? '-'}</dd>
              <dt>{v.t.matched}</dt>
              <dd>{routing.matched.join(', ') || '-'}</dd>
              <dt>{v.t.targets}</dt>
              <dd>{routing.targets.map((t) => t.target).join(', ') || '-'}</dd>
            </dl>
          </section>
        </div>
        <section id="routing">
          <h2>{v.t.routing}</h2>
          <p class="muted">{v.t.routingNote}</p>
          <VerdictTable v={v} verdicts={verdicts(event, rules, routing.transition)} />
        </section>
        <section id="mentions">
          <h2>{v.t.mentions}</h2>
          <ul>
            {routing.targets.map((t) => (
              <li>
                <b>{t.target}</b>: {[...(t.all ? ['@all'] : []), ...t.mentions.map((m) => mentionLine(m, event.source))].join('; ') || v.t.noMentions}
              </li>
            ))}
          </ul>
        </section>
        <section id="deliveries">
          <h2>{v.t.deliveries}</h2>
          <DeliveryTable v={v} rows={stored.deliveries} />
        </section>
        <section id="preview">
          <h2>{v.t.preview}</h2>
          <Previews v={v} previews={previewTargets(event, rules, routing.targets, routing.transition)} />
        </section>
      </Layout>,
    )
  })
}

function Filters(props: { v: View; f: EventFilter; sources: readonly string[] }) {
  const { v, f, sources } = props
  const choice = (name: keyof EventFilter, options: readonly string[], label: string) => (
    <label>
      {label}
      <select name={name}>
        <option value="">{v.t.any}</option>
        {options.map((o) => (
          <option value={o} selected={f[name] === o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <form class="filters" method="get" action="/console/events">
      {choice('source', sources, v.t.source)}
      {choice('kind', KINDS, v.t.kind)}
      {choice('status', STATUSES, v.t.status)}
      <label>
        {v.t.project}
        <input name="project" value={f.project ?? ''} size={14} />
      </label>
      <label>
        {v.t.branch}
        <input name="branch" value={f.branch ?? ''} size={10} />
      </label>
      {choice('transition', TRANSITIONS, v.t.transition)}
      {choice('since', Object.keys(SINCE), v.t.since)}
      <button type="submit">{v.t.filter}</button>
    </form>
  )
}

/** The rows of the list; also the answer to the live refresh (`fragment=1`). */
export function EventRows(props: { v: View; rows: StoredEvent[] }) {
  const { v } = props
  if (!props.rows.length)
    return (
      <tr>
        <td colspan={7}>{v.t.noEvents}</td>
      </tr>
    )
  return (
    <>
      {props.rows.map(({ event: e, routing, deliveries }) => (
        <tr data-event={e.id}>
          <td>
            <a href={`/console/events/${encodeURIComponent(e.id)}`}>{when(e.received_at, v.timezone)}</a>
          </td>
          <td>
            <SourceMark source={e.source} />
          </td>
          <td>
            {e.project.path}
            <br />
            <span class="muted">{e.branch ?? e.tag ?? e.ref ?? ''}</span>
          </td>
          <td>{e.kind}</td>
          <td>
            <StatusBadge status={e.status} />
          </td>
          <td>
            <TransitionBadge transition={routing.transition} />
          </td>
          <td>
            {deliveries.map((d) => (
              <span>
                {d.target} <StatusBadge status={d.status} />{' '}
              </span>
            ))}
          </td>
        </tr>
      ))}
    </>
  )
}

function Fields(props: { v: View; e: CommonEvent }) {
  const { e, v } = props
  const person = (p: CommonEvent['actor']) => (p ? [p.name, p.username && `@${p.username}`, p.email].filter(Boolean).join(' · ') : undefined)
  const rows: [string, string | undefined, string?][] = [
    ['id', e.id],
    ['source', e.source],
    ['kind', e.kind],
    ['status', `${e.status} (${e.source_status})`],
    ['project', e.project.path, e.project.url],
    ['branch', e.branch],
    ['tag', e.tag],
    ['ref', e.ref],
    ['sha', e.sha, e.commit?.url],
    ['commit', e.commit?.title ?? e.commit?.message],
    ['author', person(e.commit?.author)],
    ['actor', person(e.actor)],
    ['culprits', e.culprits?.join(', ')],
    ['name', e.name],
    ['number', e.number === undefined ? undefined : `#${e.number}${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`, e.url],
    ['environment', e.environment ?? e.deployment?.environment],
    ['merge request', e.merge_request?.title, e.merge_request?.url],
    ['started', e.started_at && when(e.started_at, v.timezone)],
    ['finished', e.finished_at && when(e.finished_at, v.timezone)],
    ['duration', e.duration_s === undefined ? undefined : `${e.duration_s} s`],
    ['failed jobs', e.stages?.flatMap((s) => s.jobs.filter((j) => j.status === 'failed').map((j) => `${s.name}/${j.name}`)).join(', ') || undefined],
  ]
  return (
    <dl class="fields">
      {rows
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([k, value, href]) => (
          <>
            <dt>{k}</dt>
            <dd>
              <MaybeLink href={href} text={value!} />
            </dd>
          </>
        ))}
    </dl>
  )
}

export function VerdictTable(props: { v: View; verdicts: Verdict[] }) {
  const { v } = props
  const says = (x: Verdict) =>
    x.result === 'matched' ? v.t.matched : x.result === 'no' ? `${v.t.notMatched}: ${x.reason}` : `${v.t.notReached}: "${x.stoppedBy}"${x.wouldMatch ? ` (${v.t.matched})` : ''}`
  return (
    <table>
      <tbody>
        {props.verdicts.map((x) => (
          <tr data-rule={x.rule}>
            <td>{x.rule}</td>
            <td class={`v-${x.result}`}>{says(x)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Deliveries with their attempts, errors (scrubbed by deliveryView, as the API shows them) and Retry on dead ones. */
export function DeliveryTable(props: { v: View; rows: StoredEvent['deliveries'] }) {
  const { v } = props
  return (
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>{v.t.target}</th>
          <th>{v.t.status}</th>
          <th>{v.t.attempts}</th>
          <th>{v.t.lastError}</th>
          <th>{v.t.time}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map(deliveryView).map((d) => (
          <tr data-delivery={d.id}>
            <td>
              <a href={`/console/events/${encodeURIComponent(d.event_id)}`}>{d.id}</a>
            </td>
            <td>{d.target}</td>
            <td>
              <StatusBadge status={d.status} />
              {d.silenced_by ? <span class="muted"> {d.silenced_by}</span> : ''}
            </td>
            <td>{d.attempts}</td>
            <td>{d.last_errmsg ? `${d.last_errcode ?? ''} ${d.last_errmsg}` : ''}</td>
            <td>{when(d.sent_at ?? d.created_at, v.timezone)}</td>
            <td>{d.status === 'dead' && <a href={`/console/deliveries/${d.id}/retry`}>{v.t.retry}</a>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
